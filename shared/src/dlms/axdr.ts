import { ByteReader, ByteWriter } from './byte-reader.js';
import {
  type CosemDate,
  type CosemDateTime,
  type CosemTime,
  decodeCosemDate,
  decodeCosemDateTime,
  decodeCosemTime,
  encodeCosemDate,
  encodeCosemDateTime,
  encodeCosemTime,
} from './date-time.js';
import { DlmsEncodeError } from './errors.js';

/**
 * A-XDR typed value model (IEC 62056-6-2 `Data` CHOICE). Every value carries its wire type,
 * so decode → encode is byte-exact and JSON output is type-tagged.
 *
 * Example: bytes `02 02 0F FE 16 1E` ↔
 * `{ type: 'structure', items: [{ type: 'integer', value: -2 }, { type: 'enum', value: 30 }] }`.
 */
export type DlmsValue =
  | { type: 'null-data' }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; bits: string }
  | { type: SmallIntType; value: number }
  | { type: 'long64' | 'long64-unsigned'; value: bigint }
  | { type: 'octet-string'; value: Uint8Array }
  | { type: 'visible-string' | 'utf8-string'; value: string }
  | { type: 'bcd'; value: number }
  | { type: 'float32' | 'float64'; value: number }
  | { type: 'structure' | 'array'; items: DlmsValue[] }
  | { type: 'date-time'; value: CosemDateTime }
  | { type: 'date'; value: CosemDate }
  | { type: 'time'; value: CosemTime }
  | { type: 'dont-care' };

export type SmallIntType =
  | 'integer'
  | 'long'
  | 'unsigned'
  | 'long-unsigned'
  | 'double-long'
  | 'double-long-unsigned'
  | 'enum';

export type DlmsType = DlmsValue['type'];

/** Wire tags (Data CHOICE). */
export const DATA_TAGS: Record<DlmsType, number> = {
  'null-data': 0,
  array: 1,
  structure: 2,
  boolean: 3,
  'bit-string': 4,
  'double-long': 5,
  'double-long-unsigned': 6,
  'octet-string': 9,
  'visible-string': 10,
  'utf8-string': 12,
  bcd: 13,
  integer: 15,
  long: 16,
  unsigned: 17,
  'long-unsigned': 18,
  long64: 20,
  'long64-unsigned': 21,
  enum: 22,
  float32: 23,
  float64: 24,
  'date-time': 25,
  date: 26,
  time: 27,
  'dont-care': 255,
};

const TYPE_BY_TAG = new Map<number, DlmsType>(
  Object.entries(DATA_TAGS).map(([k, v]) => [v, k as DlmsType]),
);

/** [byte size, signed] of fixed-size integers. */
export const INT_LAYOUT: Record<SmallIntType, [number, boolean]> = {
  integer: [1, true],
  long: [2, true],
  unsigned: [1, false],
  'long-unsigned': [2, false],
  'double-long': [4, true],
  'double-long-unsigned': [4, false],
  enum: [1, false],
};

/** Deepest structure/array nesting accepted (bounds recursion on hostile input). */
export const MAX_DEPTH = 32;

export function encodeData(value: DlmsValue): Uint8Array {
  const w = new ByteWriter();
  writeData(w, value);
  return w.bytes();
}

/** Decodes exactly one value; trailing bytes are an error. */
export function decodeData(bytes: Uint8Array, what = 'A-XDR data'): DlmsValue {
  const r = new ByteReader(bytes, what);
  const v = readData(r);
  r.end();
  return v;
}

export function writeData(w: ByteWriter, v: DlmsValue): void {
  w.u8(DATA_TAGS[v.type]);
  writeBody(w, v);
}

function writeBody(w: ByteWriter, v: DlmsValue): void {
  switch (v.type) {
    case 'null-data':
    case 'dont-care':
      return;
    case 'boolean':
      w.u8(v.value ? 1 : 0);
      return;
    case 'bit-string':
      writeBits(w, v.bits);
      return;
    case 'long64':
    case 'long64-unsigned':
      writeBig(w, v.value, v.type === 'long64');
      return;
    case 'octet-string':
      w.length(v.value.length).put(v.value);
      return;
    case 'visible-string':
    case 'utf8-string': {
      const b = v.type === 'utf8-string' ? utf8(v.value) : latin1(v.value);
      w.length(b.length).put(b);
      return;
    }
    case 'bcd':
      w.u8(checkInt(v.value, 0, 255, 'bcd'));
      return;
    case 'float32':
    case 'float64':
      writeFloat(w, v.value, v.type === 'float32' ? 4 : 8);
      return;
    case 'structure':
    case 'array':
      w.length(v.items.length);
      for (const item of v.items) writeData(w, item);
      return;
    case 'date-time':
      w.put(encodeCosemDateTime(v.value));
      return;
    case 'date':
      w.put(encodeCosemDate(v.value));
      return;
    case 'time':
      w.put(encodeCosemTime(v.value));
      return;
    default:
      writeSmallInt(w, v.type, v.value);
  }
}

function writeSmallInt(w: ByteWriter, type: SmallIntType, value: number): void {
  const [size, signed] = INT_LAYOUT[type];
  const bits = size * 8;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  let u = checkInt(value, min, max, type);
  if (u < 0) u += 2 ** bits;
  for (let i = size - 1; i >= 0; i--) w.u8(Math.floor(u / 2 ** (8 * i)) & 0xff);
}

function checkInt(value: number, min: number, max: number, type: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DlmsEncodeError(`${type}: ${value} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

function writeBig(w: ByteWriter, value: bigint, signed: boolean): void {
  const min = signed ? -(1n << 63n) : 0n;
  const max = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
  if (value < min || value > max) throw new DlmsEncodeError(`64-bit value ${value} out of range`);
  const u = BigInt.asUintN(64, value);
  for (let i = 7; i >= 0; i--) w.u8(Number((u >> BigInt(8 * i)) & 0xffn));
}

function writeFloat(w: ByteWriter, value: number, size: 4 | 8): void {
  const dv = new DataView(new ArrayBuffer(size));
  if (size === 4) dv.setFloat32(0, value);
  else dv.setFloat64(0, value);
  w.put(new Uint8Array(dv.buffer));
}

function writeBits(w: ByteWriter, bits: string): void {
  if (!/^[01]*$/.test(bits)) throw new DlmsEncodeError(`bit-string '${bits}' must be 0/1`);
  w.length(bits.length);
  for (let i = 0; i < bits.length; i += 8) {
    const chunk = bits.slice(i, i + 8).padEnd(8, '0');
    w.u8(Number.parseInt(chunk, 2));
  }
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new DlmsEncodeError(`visible-string has non-8-bit char at ${i}`);
    out[i] = c;
  }
  return out;
}

export function readData(r: ByteReader, depth = 0): DlmsValue {
  const at = r.offset;
  const tag = r.u8();
  const type = TYPE_BY_TAG.get(tag);
  if (type === undefined) r.fail(`unknown data tag 0x${tag.toString(16)}`, at);
  if (depth > MAX_DEPTH) r.fail(`nesting deeper than ${MAX_DEPTH}`, at);
  return readBody(r, type, depth);
}

function readBody(r: ByteReader, type: DlmsType, depth: number): DlmsValue {
  switch (type) {
    case 'null-data':
    case 'dont-care':
      return { type };
    case 'boolean':
      return { type, value: r.u8() !== 0 };
    case 'bit-string':
      return { type, bits: readBits(r) };
    case 'long64':
    case 'long64-unsigned':
      return { type, value: readBig(r, type === 'long64') };
    case 'octet-string':
      return { type, value: r.take(r.length()) };
    case 'visible-string':
      return { type, value: Buffer.from(r.take(r.length())).toString('latin1') };
    case 'utf8-string':
      return { type, value: Buffer.from(r.take(r.length())).toString('utf8') };
    case 'bcd':
      return { type, value: r.u8() };
    case 'float32':
      return { type, value: new DataView(r.take(4).buffer).getFloat32(0) };
    case 'float64':
      return { type, value: new DataView(r.take(8).buffer).getFloat64(0) };
    case 'structure':
    case 'array':
      return { type, items: readItems(r, depth) };
    case 'date-time':
      return { type, value: decodeCosemDateTime(r.take(12)) };
    case 'date':
      return { type, value: decodeCosemDate(r.take(5)) };
    case 'time':
      return { type, value: decodeCosemTime(r.take(4)) };
    default:
      return { type, value: readSmallInt(r, type) };
  }
}

function readItems(r: ByteReader, depth: number): DlmsValue[] {
  const at = r.offset;
  const count = r.length();
  if (count > r.remaining) r.fail(`${count} elements declared, only ${r.remaining} bytes`, at);
  const items: DlmsValue[] = [];
  for (let i = 0; i < count; i++) items.push(readData(r, depth + 1));
  return items;
}

function readSmallInt(r: ByteReader, type: SmallIntType): number {
  const [size, signed] = INT_LAYOUT[type];
  r.need(size);
  let u = 0;
  for (let i = 0; i < size; i++) u = u * 256 + r.u8();
  const bits = size * 8;
  return signed && u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
}

function readBig(r: ByteReader, signed: boolean): bigint {
  const b = r.take(8);
  let u = 0n;
  for (const x of b) u = (u << 8n) | BigInt(x);
  return signed ? BigInt.asIntN(64, u) : u;
}

function readBits(r: ByteReader): string {
  const at = r.offset;
  const bitCount = r.length();
  const byteCount = Math.ceil(bitCount / 8);
  if (byteCount > r.remaining) r.fail(`bit-string of ${bitCount} bits truncated`, at);
  const bytes = r.take(byteCount);
  const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
  return bits.slice(0, bitCount);
}
