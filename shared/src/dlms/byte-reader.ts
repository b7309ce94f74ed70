import { DlmsDecodeError } from './errors.js';

/** Hard cap on any declared length: nothing a meter sends is bigger (bounds allocation). */
export const MAX_DECLARED_LENGTH = 1 << 20;

/**
 * Bounds-checked cursor over bytes. Every read throws `DlmsDecodeError` with the offset.
 *
 * Example: `new ByteReader(Uint8Array.of(0x12, 0x34), 'x').u16()` → 0x1234.
 */
export class ByteReader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  fail(reason: string, offset = this.offset): never {
    throw new DlmsDecodeError(this.what, offset, reason);
  }

  need(count: number): void {
    if (count > this.remaining) {
      this.fail(`need ${count} bytes, have ${this.remaining}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const v = (b[this.offset]! << 8) | b[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4).getUint32(0);
    this.offset += 4;
    return v;
  }

  take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** A-XDR / BER length: 0..0x7F in one byte, else 0x81..0x84 followed by 1..4 bytes. */
  length(): number {
    const start = this.offset;
    const first = this.u8();
    if (first < 0x80) return first;
    const size = first & 0x7f;
    if (size === 0 || size > 4) this.fail(`bad length prefix 0x${hex2(first)}`, start);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.u8();
    if (value > MAX_DECLARED_LENGTH) this.fail(`declared length ${value} too large`, start);
    return value;
  }

  /** Fails when bytes are left over (strict decoders flag trailing data). */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes`);
  }
}

/** Growable byte sink. Example: `w.u16(0x1234); w.bytes()` → `12 34`. */
export class ByteWriter {
  private parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }

  u32(v: number): this {
    return this.u8(v >>> 24)
      .u8(v >>> 16)
      .u8(v >>> 8)
      .u8(v);
  }

  put(bytes: Uint8Array | readonly number[]): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  length(n: number): this {
    return this.put(encodeLength(n));
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Canonical A-XDR/BER length. Example: 200 → `81 C8`; 5 → `05`. */
export function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  let v = n;
  while (v > 0) {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return [0x80 | out.length, ...out];
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}

/** Example: `toHex(Uint8Array.of(1, 0xab))` → '01AB'. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** Example: `fromHex('01ab')` → `01 AB`; throws on odd length or non-hex. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) {
    throw new Error(`not a hex string: '${text}'`);
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
