import type { Duplex } from 'node:stream';
import type { Clock } from '@gridbill/shared/clock';
import {
  concatBytes,
  DEFAULT_HDLC_PARAMETERS,
  decodeControl,
  decodeHdlcFrame,
  decodeHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  type HdlcAddress,
  type HdlcControl,
  type HdlcFrame,
  HdlcSequencer,
  LLC_REQUEST,
  SegmentCollector,
  segmentInformation,
  splitHdlcStream,
} from '@gridbill/shared/dlms';
import { DlmsProtocolError, DlmsTimeoutError } from './errors.js';
import { StreamFrames } from './stream-frames.js';
import type { DlmsTransport, LinkTiming } from './transport.js';

export interface HdlcAddresses {
  client: number;
  server: HdlcAddress;
}

/**
 * HDLC (IEC 62056-46) client link over a stream: SNRM/UA with negotiated sizes, segmented
 * I-frames acknowledged by RR, retransmission on timeout, DISC on close. Frames we sent
 * ourselves (RS-485 echo) and frames for other addresses are ignored.
 */
export function hdlcTransport(
  stream: Duplex,
  addresses: HdlcAddresses,
  timing: LinkTiming,
  clock: Clock,
  description: string,
  maxInfoBytes = DEFAULT_HDLC_PARAMETERS.maxInfoReceive,
): DlmsTransport {
  const frames = new StreamFrames(stream, splitHdlcStream, clock);
  const client: HdlcAddress = { upper: addresses.client, byteLength: 1 };
  const seq = new HdlcSequencer(client, addresses.server);
  const collector = new SegmentCollector();
  let maxInfoTransmit = maxInfoBytes;
  let connected = false;

  const isForUs = (f: HdlcFrame) =>
    f.destination.upper === client.upper && f.source.upper === addresses.server.upper;

  async function send(frame: HdlcFrame): Promise<void> {
    const gap = timing.interFrameGapMs - (clock.monoMs() - frames.lastReceiveMs);
    if (gap > 0) await clock.sleep(gap);
    await frames.write(encodeHdlcFrame(frame));
  }

  async function receive(what: string): Promise<{ frame: HdlcFrame; control: HdlcControl }> {
    for (;;) {
      const frame = decodeHdlcFrame(await frames.next(timing.responseTimeoutMs, what));
      if (!isForUs(frame)) continue;
      const control = decodeControl(frame.control);
      if (control) return { frame, control };
    }
  }

  /** Sends a frame and waits for the answer, retransmitting the same frame on timeout. */
  async function transact(frame: HdlcFrame, what: string) {
    for (let attempt = 0; ; attempt++) {
      await send(frame);
      try {
        return await receive(what);
      } catch (err) {
        if (!(err instanceof DlmsTimeoutError) || attempt >= timing.retries) throw err;
      }
    }
  }

  async function sendSegments(info: Uint8Array) {
    const parts = segmentInformation(info, maxInfoTransmit);
    for (let i = 0; i < parts.length - 1; i++) {
      const answer = await transact(seq.iFrame(parts[i]!, true), 'RR for segment');
      if (answer.control.type !== 'RR') throw unexpected(answer.control, 'RR');
    }
    return transact(seq.iFrame(parts[parts.length - 1]!, false), 'response I-frame');
  }

  return {
    description,
    async open() {
      const params = encodeHdlcParameters({
        ...DEFAULT_HDLC_PARAMETERS,
        maxInfoTransmit: maxInfoBytes,
        maxInfoReceive: maxInfoBytes,
      });
      const answer = await transact(seq.frame(0x93, params), 'UA to SNRM');
      if (answer.control.type !== 'UA') throw unexpected(answer.control, 'UA');
      const server = decodeHdlcParameters(answer.frame.information);
      maxInfoTransmit = Math.min(maxInfoBytes, server.maxInfoReceive);
      seq.reset();
      connected = true;
    },
    async exchange(apdu) {
      if (!connected) throw new DlmsProtocolError('HDLC link not connected');
      let answer = await sendSegments(concatBytes(LLC_REQUEST, apdu));
      let busyPolls = 0;
      for (;;) {
        const { frame, control } = answer;
        if (control.type === 'RNR' && busyPolls++ < timing.retries + 3) {
          // Meter busy (receive not ready): wait a little, then poll with RR.
          await clock.sleep(Math.min(200, timing.responseTimeoutMs / 10));
          answer = await transact(seq.rr(), 'response after RNR');
          continue;
        }
        if (control.type !== 'I') throw unexpected(control, 'I');
        const fresh = seq.acceptI(control.sendSeq);
        const whole = fresh ? collector.push(frame.information, frame.segmented) : undefined;
        if (whole) return whole.subarray(3);
        answer = await transact(seq.rr(), 'next response segment');
      }
    },
    async close() {
      if (connected) {
        connected = false;
        await transact(seq.frame(0x53), 'UA to DISC').catch(() => undefined);
      }
      stream.destroy();
    },
  };
}

function unexpected(control: HdlcControl, expected: string): DlmsProtocolError {
  return new DlmsProtocolError(`HDLC: got ${control.type} frame, expected ${expected}`);
}
