const TWO_53 = 2 ** 53;

/**
 * A growing byte buffer with an unsigned LEB128 writer: the base of the packed formats'
 * writers (charge days, interval blocks).
 * @example
 * const w = new VarintWriter(64); w.uvarint(300); w.buf.subarray(0, w.at) // → bytes ac 02
 */
export class VarintWriter {
  buf: Uint8Array;
  at = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(size, 64));
  }

  /** Makes room for `n` more bytes. */
  protected room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  /** Unsigned LEB128 of an integer in 0..2^53 (RangeError otherwise). */
  uvarint(v: number): void {
    if (!(v >= 0 && v <= TWO_53 && Math.floor(v) === v)) {
      throw new RangeError(`uvarint: ${v} is not an integer in 0..2^53`);
    }
    this.room(8);
    if (v < 0x80) {
      this.buf[this.at++] = v;
      return;
    }
    if (v < 0x4000) {
      // two bytes: most indexes, seconds and small deltas
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      this.buf[this.at++] = v >> 7;
      return;
    }
    let x = v;
    while (x >= 0x80) {
      this.buf[this.at++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.at++] = x;
  }
}
