import { addDays, daysBetween } from './date-key.js';
import { localMidnightUtcMs } from './zoned-time.js';

export interface LocalDay {
  dateKey: string;
  /** first instant of the day (inclusive) */
  startMs: number;
  /** first instant of the next day (exclusive) */
  endMs: number;
  /** 24 normally; 23 or 25 on DST change days (23.5 / 24.5 in Australia/Lord_Howe) */
  hours: number;
}

const HOUR_MS = 3_600_000;
const MAX_DAYS = 366 * 200;

/**
 * The local days from `fromKey` up to (not including) `toKeyExclusive` with their UTC bounds.
 * Consecutive days share bounds, so every instant in the range is in exactly one day.
 *
 * @example localDays('2024-03-30', '2024-04-01', 'Europe/London')
 * // [{ dateKey: '2024-03-30', startMs: Date.UTC(2024,2,30), endMs: Date.UTC(2024,2,31),
 * //    hours: 24 },
 * //  { dateKey: '2024-03-31', startMs: Date.UTC(2024,2,31), endMs: Date.UTC(2024,2,31,23),
 * //    hours: 23 }]
 */
export function localDays(fromKey: string, toKeyExclusive: string, timeZone: string): LocalDay[] {
  const count = daysBetween(fromKey, toKeyExclusive);
  if (count < 0) {
    throw new RangeError(`localDays: end ${toKeyExclusive} is before start ${fromKey}`);
  }
  if (count > MAX_DAYS) throw new RangeError(`localDays: ${count} days is more than ${MAX_DAYS}`);
  const days: LocalDay[] = [];
  let dateKey = fromKey;
  let startMs = localMidnightUtcMs(fromKey, timeZone);
  for (let i = 0; i < count; i++) {
    const nextKey = addDays(dateKey, 1);
    const endMs = localMidnightUtcMs(nextKey, timeZone);
    days.push({ dateKey, startMs, endMs, hours: (endMs - startMs) / HOUR_MS });
    dateKey = nextKey;
    startMs = endMs;
  }
  return days;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

/**
 * Splits `[fromMs, toMs)` into consecutive intervals of `intervalSeconds`, starting at `fromMs`
 * (pass a local day's bounds to get that day's 92, 96 or 100 quarter-hours across DST).
 * The range must hold a whole number of intervals.
 *
 * @example intervalsBetween(0, 1_800_000, 900)
 * // [{ startMs: 0, endMs: 900_000 }, { startMs: 900_000, endMs: 1_800_000 }]
 */
export function intervalsBetween(
  fromMs: number,
  toMs: number,
  intervalSeconds: number,
): Interval[] {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new RangeError(
      `intervalsBetween: intervalSeconds must be a positive integer, got ${intervalSeconds}`,
    );
  }
  if (!Number.isInteger(fromMs) || !Number.isInteger(toMs) || toMs < fromMs) {
    throw new RangeError(
      `intervalsBetween: need integer ms with from <= to, got ${fromMs}..${toMs}`,
    );
  }
  const stepMs = intervalSeconds * 1000;
  if ((toMs - fromMs) % stepMs !== 0) {
    throw new RangeError(
      `intervalsBetween: ${fromMs}..${toMs} is not a whole number of ` +
        `${intervalSeconds} s intervals`,
    );
  }
  const out: Interval[] = [];
  for (let startMs = fromMs; startMs < toMs; startMs += stepMs) {
    out.push({ startMs, endMs: startMs + stepMs });
  }
  return out;
}
