import { type DlmsValue, INT_LAYOUT, type SmallIntType } from './axdr.js';
import { fromHex, toHex } from './byte-reader.js';
import {
  type CosemDateTime,
  cosemDateTimeToUtcMs,
  decodeCosemDateTime,
  encodeCosemDateTime,
} from './date-time.js';

/**
 * Type-tagged JSON form of A-XDR values (CLI output and input).
 * Example: `{ type: 'octet-string', value: 0000010000FF }` ↔ `{"type":"octet-string",
 * "hex":"0000010000FF"}`; long64 values are decimal strings; a 12-byte octet-string that
 * holds a date-time also gets `"dateTime"` (ISO UTC, or local time + "deviation unspecified").
 */
export type JsonValue =
  | { type: string; value?: unknown; hex?: string; bits?: string; items?: JsonValue[] }
  | Record<string, unknown>;

export class DlmsJsonError extends Error {
  constructor(path: string, reason: string) {
    super(`value ${path}: ${reason}`);
    this.name = 'DlmsJsonError';
  }
}

export function dlmsValueToJson(v: DlmsValue, dateTimeHint = false): JsonValue {
  switch (v.type) {
    case 'octet-string': {
      const out: Record<string, unknown> = { type: v.type, hex: toHex(v.value) };
      if (dateTimeHint && v.value.length === 12) out.dateTime = describeDateTime(v.value);
      return out;
    }
    case 'structure':
    case 'array':
      return { type: v.type, items: v.items.map((i) => dlmsValueToJson(i, dateTimeHint)) };
    case 'long64':
    case 'long64-unsigned':
      return { type: v.type, value: v.value.toString() };
    case 'bit-string':
      return { type: v.type, bits: v.bits };
    case 'date-time':
      return { type: v.type, value: describeDateTime(encodeCosemDateTime(v.value)) };
    case 'null-data':
    case 'dont-care':
      return { type: v.type };
    default:
      return { type: v.type, value: v.value };
  }
}

/** ISO UTC when fully specified; else the raw fields as text. */
export function describeDateTime(bytes: Uint8Array): string {
  const dt = decodeCosemDateTime(bytes);
  try {
    if (dt.deviationMinutes === null) {
      const local = new Date(cosemDateTimeToUtcMs(dt, { unspecifiedDeviationMinutes: 0 }));
      return `${local.toISOString().slice(0, 23)} (local, deviation unspecified)`;
    }
    return new Date(cosemDateTimeToUtcMs(dt)).toISOString();
  } catch {
    return rawDateTime(dt);
  }
}

function rawDateTime(dt: CosemDateTime): string {
  const f = (n: number, w = 2) => (n === 0xff || n === 0xffff ? '*' : String(n).padStart(w, '0'));
  const date = `${f(dt.year, 4)}-${f(dt.month)}-${f(dt.day)}`;
  return `${date} ${f(dt.hour)}:${f(dt.minute)}:${f(dt.second)}`;
}

/** Parses the JSON form back; errors name the JSON path and the problem. */
export function dlmsValueFromJson(json: unknown, path = '$'): DlmsValue {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DlmsJsonError(path, 'must be an object like {"type":"unsigned","value":5}');
  }
  const o = json as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string') throw new DlmsJsonError(path, 'missing "type"');
  if (type in INT_LAYOUT) return { type: type as SmallIntType, value: intOf(o.value, path) };
  switch (type) {
    case 'null-data':
    case 'dont-care':
      return { type };
    case 'boolean':
      if (typeof o.value !== 'boolean') throw new DlmsJsonError(path, 'boolean needs true/false');
      return { type, value: o.value };
    case 'octet-string':
      return { type, value: hexOf(o.hex, path) };
    case 'visible-string':
    case 'utf8-string':
      if (typeof o.value !== 'string') throw new DlmsJsonError(path, `${type} needs a string`);
      return { type, value: o.value };
    case 'long64':
    case 'long64-unsigned':
      return { type, value: bigOf(o.value, path) };
    case 'structure':
    case 'array': {
      if (!Array.isArray(o.items)) throw new DlmsJsonError(path, `${type} needs "items": [...]`);
      return { type, items: o.items.map((x, i) => dlmsValueFromJson(x, `${path}.items[${i}]`)) };
    }
    case 'bcd':
      return { type, value: intOf(o.value, path) };
    case 'float32':
    case 'float64':
      if (typeof o.value !== 'number') throw new DlmsJsonError(path, `${type} needs a number`);
      return { type, value: o.value };
    case 'bit-string':
      if (typeof o.bits !== 'string' || !/^[01]*$/.test(o.bits)) {
        throw new DlmsJsonError(path, 'bit-string needs "bits": "0101..."');
      }
      return { type, bits: o.bits };
    default:
      throw new DlmsJsonError(path, `unsupported type "${type}"`);
  }
}

function intOf(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new DlmsJsonError(path, `"value" must be an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bigOf(v: unknown, path: string): bigint {
  if (
    (typeof v === 'string' && /^-?\d+$/.test(v)) ||
    (typeof v === 'number' && Number.isInteger(v))
  ) {
    return BigInt(v);
  }
  throw new DlmsJsonError(path, '"value" must be a decimal integer string');
}

function hexOf(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string') throw new DlmsJsonError(path, 'octet-string needs "hex"');
  try {
    return fromHex(v);
  } catch {
    throw new DlmsJsonError(path, `"hex" is not hex: ${JSON.stringify(v)}`);
  }
}
