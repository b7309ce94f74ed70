import type { IntervalDay } from './interval-day.js';
import { assertIntervalSeconds } from './interval-day.js';

/** Format byte of the packed layout below; bump if the layout changes. */
export const INTERVAL_PACK_FORMAT = 1;
/** Header size: 8 bytes, so the int32 values are 4-byte aligned when the blob is. */
const HEADER_BYTES = 8;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class IntervalPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntervalPackError';
  }
}

/**
 * Packs a day as: u8 format (1) · u8 0 · u16 intervalSeconds · u16 count · u16 0 ·
 * count × int32 Wh · count × u8 flags, little-endian. 96 slots → 488 bytes.
 * Example: { intervalSeconds: 3600, valuesWh: [258], flags: [2] } →
 *   01 00 10 0e 01 00 00 00 02 01 00 00 02
 */
export function encodeIntervalDay(day: IntervalDay): Uint8Array {
  assertIntervalSeconds(day.intervalSeconds);
  const count = day.valuesWh.length;
  if (count < 1 || count > 65535 || day.flags.length !== count) {
    throw new IntervalPackError(
      `cannot pack ${count} values with ${day.flags.length} flags (need 1..65535, equal counts)`,
    );
  }
  const bytes = new Uint8Array(HEADER_BYTES + count * 5);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, INTERVAL_PACK_FORMAT);
  view.setUint16(2, day.intervalSeconds, true);
  view.setUint16(4, count, true);
  if (LITTLE_ENDIAN_HOST) {
    new Int32Array(bytes.buffer, HEADER_BYTES, count).set(day.valuesWh);
  } else {
    for (let i = 0; i < count; i += 1) view.setInt32(HEADER_BYTES + i * 4, day.valuesWh[i]!, true);
  }
  bytes.set(day.flags, HEADER_BYTES + count * 4);
  return bytes;
}

/** Inverse of encodeIntervalDay; throws IntervalPackError on a wrong format or length. */
export function decodeIntervalDay(bytes: Uint8Array): IntervalDay {
  if (bytes.length < HEADER_BYTES) {
    throw new IntervalPackError(`packed day too short: ${bytes.length} bytes, header needs 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint8(0);
  if (format !== INTERVAL_PACK_FORMAT || view.getUint8(1) !== 0 || view.getUint16(6) !== 0) {
    throw new IntervalPackError(`packed day format ${format} is not ${INTERVAL_PACK_FORMAT}`);
  }
  const intervalSeconds = view.getUint16(2, true);
  const count = view.getUint16(4, true);
  const expected = HEADER_BYTES + count * 5;
  if (bytes.length !== expected || count === 0) {
    throw new IntervalPackError(
      `packed day of ${count} intervals must be ${expected} bytes, got ${bytes.length}`,
    );
  }
  try {
    assertIntervalSeconds(intervalSeconds);
  } catch (error) {
    throw new IntervalPackError(`packed day: ${(error as Error).message}`);
  }
  return { intervalSeconds, valuesWh: readValues(bytes, view, count), flags: bytes.slice(-count) };
}

function readValues(bytes: Uint8Array, view: DataView, count: number): Int32Array {
  const start = bytes.byteOffset + HEADER_BYTES;
  if (LITTLE_ENDIAN_HOST && start % 4 === 0) {
    return new Int32Array(bytes.buffer, start, count).slice();
  }
  const values = new Int32Array(count);
  for (let i = 0; i < count; i += 1) values[i] = view.getInt32(HEADER_BYTES + i * 4, true);
  return values;
}
