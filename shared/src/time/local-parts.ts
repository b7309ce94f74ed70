import { formatDateKey } from './date-key.js';
import { offsetSecondsAt } from './zone-offsets.js';

/** Local calendar fields of one instant in one IANA time zone. */
export interface LocalParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
  /** hour × 60 + minute, 0-1439 */
  minuteOfDay: number;
  /** 'YYYY-MM-DD' */
  dateKey: string;
  /** local minus UTC, e.g. 60 for BST, -300 for EST */
  offsetMinutes: number;
}

/**
 * Local date and time of a UTC instant in `timeZone` (DST-correct; offsets from Node's
 * Intl/ICU, memoised per zone and day, so a call costs well under a microsecond once warm).
 *
 * @example localParts(Date.UTC(2024, 2, 31, 1, 30), 'Europe/London')
 * // { year: 2024, month: 3, day: 31, hour: 2, minute: 30, second: 0, weekday: 7,
 * //   minuteOfDay: 150, dateKey: '2024-03-31', offsetMinutes: 60 }
 */
export function localParts(instantMs: number, timeZone: string): LocalParts {
  if (!Number.isFinite(instantMs)) {
    throw new RangeError(`localParts: instant must be finite epoch ms, got ${instantMs}`);
  }
  const offsetSeconds = offsetSecondsAt(instantMs, timeZone);
  const local = new Date(Math.floor(instantMs / 1000) * 1000 + offsetSeconds * 1000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const hour = local.getUTCHours();
  const minute = local.getUTCMinutes();
  const weekdayUtc = local.getUTCDay();
  return {
    year,
    month,
    day,
    hour,
    minute,
    second: local.getUTCSeconds(),
    weekday: weekdayUtc === 0 ? 7 : weekdayUtc,
    minuteOfDay: hour * 60 + minute,
    dateKey: formatDateKey(year, month, day),
    offsetMinutes: Math.round(offsetSeconds / 60),
  };
}

/** UTC offset in minutes at an instant. @example offsetMinutesAt(0, 'Asia/Shanghai') // 480 */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  return Math.round(offsetSecondsAt(instantMs, timeZone) / 60);
}
