import { concatBytes } from './byte-reader.js';
import { encodeControl } from './hdlc-control.js';
import type { HdlcAddress, HdlcFrame } from './hdlc-frame.js';

/**
 * Sequence numbering and segmentation of one HDLC link (window 1), shared by the client and
 * the server. Pure: frames in, frames out; the caller does the I/O.
 *
 * Example: a client sequencer's first I-frame has control 0x10 (N(S)=0, N(R)=0, P=1); after
 * accepting the server's I-frame N(S)=0 the next RR is 0x31 (N(R)=1).
 */
export class HdlcSequencer {
  sendSeq = 0;
  receiveSeq = 0;
  constructor(
    readonly local: HdlcAddress,
    readonly remote: HdlcAddress,
  ) {}

  reset(): void {
    this.sendSeq = 0;
    this.receiveSeq = 0;
  }

  frame(
    control: number,
    information: Uint8Array = new Uint8Array(0),
    segmented = false,
  ): HdlcFrame {
    return { segmented, destination: this.remote, source: this.local, control, information };
  }

  /** Next I-frame carrying `information`; advances N(S). */
  iFrame(information: Uint8Array, segmented: boolean): HdlcFrame {
    const control = encodeControl({
      type: 'I',
      sendSeq: this.sendSeq,
      receiveSeq: this.receiveSeq,
      pollFinal: true,
    });
    this.sendSeq = (this.sendSeq + 1) & 7;
    return this.frame(control, information, segmented);
  }

  rr(): HdlcFrame {
    return this.frame(encodeControl({ type: 'RR', receiveSeq: this.receiveSeq, pollFinal: true }));
  }

  /** Accepts a received I-frame N(S); false for an out-of-sequence (repeated) frame. */
  acceptI(sendSeq: number): boolean {
    if (sendSeq !== this.receiveSeq) return false;
    this.receiveSeq = (this.receiveSeq + 1) & 7;
    return true;
  }
}

/**
 * Splits an information field into segments of at most `maxInfo` bytes.
 * Example: 300 bytes with maxInfo 128 → [128, 128, 44].
 */
export function segmentInformation(info: Uint8Array, maxInfo: number): Uint8Array[] {
  if (maxInfo < 1) throw new RangeError(`maxInfo ${maxInfo} < 1`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < info.length; at += maxInfo) out.push(info.slice(at, at + maxInfo));
  return out.length > 0 ? out : [new Uint8Array(0)];
}

/** Collects segmented I-frame payloads until the last (non-segmented) one. */
export class SegmentCollector {
  private parts: Uint8Array[] = [];
  private size = 0;
  constructor(readonly maxBytes = 1 << 20) {}

  /** Returns the whole information field when `segmented` is false, else undefined. */
  push(part: Uint8Array, segmented: boolean): Uint8Array | undefined {
    this.size += part.length;
    if (this.size > this.maxBytes) {
      this.parts = [];
      this.size = 0;
      throw new RangeError(`segmented message exceeds ${this.maxBytes} bytes`);
    }
    this.parts.push(part);
    if (segmented) return undefined;
    const whole = concatBytes(...this.parts);
    this.parts = [];
    this.size = 0;
    return whole;
  }
}

/**
 * HDLC address for a server: 1 byte when no physical address is given, else 2 bytes
 * (both ≤ 127) or 4 bytes. Example: (1, 17) → { upper: 1, lower: 17, byteLength: 2 }.
 */
export function serverHdlcAddress(logical: number, physical?: number): HdlcAddress {
  if (physical === undefined) return { upper: logical, byteLength: 1 };
  const small = logical <= 0x7f && physical <= 0x7f;
  return { upper: logical, lower: physical, byteLength: small ? 2 : 4 };
}
