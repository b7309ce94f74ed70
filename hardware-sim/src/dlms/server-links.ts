import {
  concatBytes,
  decodeControl,
  decodeHdlcFrame,
  decodeHdlcParameters,
  decodeWrapper,
  encodeHdlcFrame,
  encodeHdlcParameters,
  encodeWrapper,
  type HdlcFrame,
  HdlcSequencer,
  LLC_RESPONSE,
  SegmentCollector,
  segmentInformation,
  splitHdlcStream,
  splitWrapperStream,
} from '@gridbill/shared/dlms';

/** Finds (or creates) the association for a server address and client SAP on a link. */
export type SessionLookup = (
  serverAddress: number,
  clientSap: number,
) => { handle(apdu: Uint8Array): Uint8Array | undefined; reset(): void } | undefined;

/** A byte link to one client: bytes in via `onData`, bytes out via `write`. */
export interface ServerLink {
  onData(chunk: Uint8Array): void;
}

/**
 * IEC 62056-47 wrapper link: one wrapper frame in → one out, ports swapped.
 * Example: `0001 0010 0001 000D <GET>` → `0001 0001 0010 <len> <GET-Response>`.
 */
export function wrapperServerLink(
  write: (b: Uint8Array) => void,
  sessions: SessionLookup,
): ServerLink {
  let buffer: Uint8Array = new Uint8Array(0);
  return {
    onData(chunk) {
      const split = splitWrapperStream(concatBytes(buffer, chunk));
      buffer = split.rest;
      for (const frame of split.frames) {
        const w = decodeWrapper(frame);
        const response = sessions(w.destination, w.source)?.handle(w.apdu);
        if (response)
          write(encodeWrapper({ source: w.destination, destination: w.source, apdu: response }));
      }
    },
  };
}

/** What a server link negotiates: our receive limit and our transmit limit. */
export interface HdlcServerOptions {
  maxInfoBytes: number;
}

/**
 * HDLC server link (window 1): SNRM/UA with parameter negotiation, I-frame reassembly with
 * RR, segmented responses released one per RR, DISC → UA, frames for others ignored.
 */
export function hdlcServerLink(
  write: (b: Uint8Array) => void,
  sessions: SessionLookup,
  options: HdlcServerOptions,
): ServerLink {
  let buffer: Uint8Array = new Uint8Array(0);
  let link: HdlcLinkState | undefined;
  const onFrame = (frame: HdlcFrame) => {
    const control = decodeControl(frame.control);
    if (!control) return;
    const send = (f: HdlcFrame) => write(encodeHdlcFrame(f));
    if (control.type === 'SNRM') {
      link = new HdlcLinkState(frame, options, decodeHdlcParameters(frame.information));
      sessions(frame.destination.upper, frame.source.upper)?.reset();
      send(link.seq.frame(0x73, encodeHdlcParameters(link.uaParameters())));
      return;
    }
    if (!link?.matches(frame)) {
      if (control.type === 'DISC' || control.type === 'I') send(dmFor(frame));
      return;
    }
    if (control.type === 'DISC') {
      send(link.seq.frame(0x73));
      sessions(frame.destination.upper, frame.source.upper)?.reset();
      link = undefined;
      return;
    }
    const current = link;
    const sendKept = (f: HdlcFrame) => {
      current.lastSent = f;
      send(f);
    };
    if (control.type === 'RR') {
      // N(R) short of our N(S): the client lost our last frame and polls again → repeat it.
      const lost = control.receiveSeq !== current.seq.sendSeq && current.lastSent;
      if (lost) send(lost);
      else {
        const next = current.pending.shift();
        if (next) sendKept(next());
      }
      return;
    }
    if (control.type !== 'I') return;
    if (!current.seq.acceptI(control.sendSeq)) {
      // A repeated I-frame: our answer was lost; repeat it instead of processing twice.
      if (current.lastSent) send(current.lastSent);
      return;
    }
    const whole = current.collector.push(frame.information, frame.segmented);
    if (!whole) {
      sendKept(current.seq.rr());
      return;
    }
    const session = sessions(frame.destination.upper, frame.source.upper);
    const response = session?.handle(whole.subarray(3));
    if (!response) return;
    const parts = segmentInformation(concatBytes(LLC_RESPONSE, response), current.maxInfoTransmit);
    current.pending = parts.map((p, i) => () => current.seq.iFrame(p, i < parts.length - 1));
    sendKept(current.pending.shift()!());
  };
  return {
    onData(chunk) {
      const split = splitHdlcStream(concatBytes(buffer, chunk));
      buffer = split.rest;
      for (const bytes of split.frames) {
        let frame: HdlcFrame;
        try {
          frame = decodeHdlcFrame(bytes);
        } catch {
          continue;
        }
        onFrame(frame);
      }
    },
  };
}

function dmFor(frame: HdlcFrame): HdlcFrame {
  return {
    segmented: false,
    destination: frame.source,
    source: frame.destination,
    control: 0x1f,
    information: new Uint8Array(0),
  };
}

class HdlcLinkState {
  readonly seq: HdlcSequencer;
  readonly collector = new SegmentCollector();
  pending: (() => HdlcFrame)[] = [];
  /** Last I/RR frame sent, repeated when the client shows it was lost. */
  lastSent: HdlcFrame | undefined;
  readonly maxInfoTransmit: number;
  readonly maxInfoReceive: number;

  constructor(
    snrm: HdlcFrame,
    options: HdlcServerOptions,
    client: ReturnType<typeof decodeHdlcParameters>,
  ) {
    this.seq = new HdlcSequencer(snrm.destination, snrm.source);
    this.maxInfoTransmit = Math.min(options.maxInfoBytes, client.maxInfoReceive);
    this.maxInfoReceive = Math.min(options.maxInfoBytes, client.maxInfoTransmit);
  }

  matches(frame: HdlcFrame): boolean {
    return (
      frame.source.upper === this.seq.remote.upper &&
      frame.destination.upper === this.seq.local.upper &&
      frame.destination.lower === this.seq.local.lower
    );
  }

  uaParameters() {
    return {
      maxInfoTransmit: this.maxInfoTransmit,
      maxInfoReceive: this.maxInfoReceive,
      windowTransmit: 1,
      windowReceive: 1,
    };
  }
}
