import { DlmsDecodeError } from './errors.js';

/**
 * COSEM date-time (12 bytes), date (5) and time (4) with "not specified" markers kept as raw
 * values (0xFF / 0xFFFF / 0x8000) so decode → encode is byte-exact.
 *
 * Deviation (Blue Book): minutes to ADD to local time to get UTC, so CEST is -120.
 * `deviationMinutes` is `null` for 0x8000 "deviation not specified".
 */
export interface CosemDate {
  /** 0xFFFF = not specified. */
  year: number;
  /** 1..12, 0xFD/0xFE DST end/begin, 0xFF not specified. */
  month: number;
  /** 1..31, 0xFD/0xFE, 0xFF not specified. */
  day: number;
  /** 1 = Monday .. 7 = Sunday, 0xFF not specified. */
  dayOfWeek: number;
}

export interface CosemTime {
  hour: number;
  minute: number;
  second: number;
  hundredths: number;
}

export interface CosemDateTime extends CosemDate, CosemTime {
  deviationMinutes: number | null;
  clockStatus: number;
}

export const NOT_SPECIFIED = 0xff;
export const CLOCK_STATUS_DST = 0x80;

export function encodeCosemDate(d: CosemDate): Uint8Array {
  return Uint8Array.of(d.year >> 8, d.year & 0xff, d.month, d.day, d.dayOfWeek);
}

export function decodeCosemDate(b: Uint8Array): CosemDate {
  if (b.length !== 5) throw new DlmsDecodeError('date', 0, `length ${b.length}, expected 5`);
  return { year: (b[0]! << 8) | b[1]!, month: b[2]!, day: b[3]!, dayOfWeek: b[4]! };
}

export function encodeCosemTime(t: CosemTime): Uint8Array {
  return Uint8Array.of(t.hour, t.minute, t.second, t.hundredths);
}

export function decodeCosemTime(b: Uint8Array): CosemTime {
  if (b.length !== 4) throw new DlmsDecodeError('time', 0, `length ${b.length}, expected 4`);
  return { hour: b[0]!, minute: b[1]!, second: b[2]!, hundredths: b[3]! };
}

/** Example: 2026-11-28 Sat 05:21:41 dev 0 → `07EA0B1C0605152900000000`. */
export function encodeCosemDateTime(dt: CosemDateTime): Uint8Array {
  const dev = dt.deviationMinutes === null ? 0x8000 : dt.deviationMinutes & 0xffff;
  return Uint8Array.of(
    ...encodeCosemDate(dt),
    ...encodeCosemTime(dt),
    dev >> 8,
    dev & 0xff,
    dt.clockStatus,
  );
}

/** Inverse of `encodeCosemDateTime`; throws `DlmsDecodeError` unless exactly 12 bytes. */
export function decodeCosemDateTime(b: Uint8Array): CosemDateTime {
  if (b.length !== 12) {
    throw new DlmsDecodeError('date-time', 0, `length ${b.length}, expected 12`);
  }
  const raw = (b[9]! << 8) | b[10]!;
  const deviationMinutes = raw === 0x8000 ? null : raw >= 0x8000 ? raw - 0x10000 : raw;
  return {
    ...decodeCosemDate(b.subarray(0, 5)),
    ...decodeCosemTime(b.subarray(5, 9)),
    deviationMinutes,
    clockStatus: b[11]!,
  };
}

/** How to read a deviation: Blue Book sign (default) or the inverted sign some meters send. */
export type DeviationConvention = 'blue-book' | 'inverted';

export interface ToUtcOptions {
  /** Used when the deviation is 0x8000 (not specified): minutes to add to local → UTC. */
  unspecifiedDeviationMinutes?: number;
  convention?: DeviationConvention;
}

/**
 * Converts a fully specified date-time to UTC epoch ms.
 * Example: 2024-06-15 20:23:45 dev -120 → Date.UTC(2024, 5, 15, 18, 23, 45).
 * Throws when a date/time field is "not specified" (0xFF), or when deviation is 0x8000 and
 * no `unspecifiedDeviationMinutes` is given.
 */
export function cosemDateTimeToUtcMs(dt: CosemDateTime, options: ToUtcOptions = {}): number {
  const fields = [dt.month, dt.day, dt.hour, dt.minute, dt.second];
  if (dt.year === 0xffff || fields.some((f) => f === NOT_SPECIFIED)) {
    throw new DlmsDecodeError('date-time', 0, 'has unspecified fields, cannot convert to UTC');
  }
  let dev = dt.deviationMinutes ?? options.unspecifiedDeviationMinutes;
  if (dev === undefined) {
    throw new DlmsDecodeError('date-time', 9, 'deviation not specified (0x8000), no fallback');
  }
  if (options.convention === 'inverted') dev = -dev;
  const hundredths = dt.hundredths === NOT_SPECIFIED ? 0 : dt.hundredths;
  const localMs = Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second);
  return localMs + hundredths * 10 + dev * 60_000;
}

/**
 * UTC epoch ms → date-time with the given deviation (local = UTC - deviation).
 * Example: (Date.UTC(2026,10,28,5,21,41), 0) → 2026-11-28 dow 6 05:21:41.00 dev 0 status 0.
 */
export function utcMsToCosemDateTime(
  utcMs: number,
  deviationMinutes = 0,
  clockStatus = 0,
): CosemDateTime {
  const d = new Date(utcMs - deviationMinutes * 60_000);
  const dow = d.getUTCDay();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfWeek: dow === 0 ? 7 : dow,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    hundredths: Math.floor(d.getUTCMilliseconds() / 10),
    deviationMinutes,
    clockStatus,
  };
}
