/**
 * Calendar arithmetic on local date keys ('YYYY-MM-DD'), independent of any time zone.
 * Pure integer maths on the proleptic Gregorian calendar (years 1-9999) via Date's UTC fields.
 */

const DAY_MS = 86_400_000;
const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/**
 * Splits and validates a date key; throws naming the bad key.
 *
 * @example parseDateKey('2024-02-29') // { year: 2024, month: 2, day: 29 }
 * @example parseDateKey('2023-02-29') // throws RangeError 'date key "2023-02-29": ...'
 */
export function parseDateKey(dateKey: string, what = 'date key'): DateParts {
  const m = DATE_KEY.exec(dateKey);
  if (!m) throw new RangeError(`${what} "${dateKey}": expected YYYY-MM-DD`);
  const year = Number.parseInt(m[1] ?? '', 10);
  const month = Number.parseInt(m[2] ?? '', 10);
  const day = Number.parseInt(m[3] ?? '', 10);
  if (month < 1 || month > 12) throw new RangeError(`${what} "${dateKey}": month out of range`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`${what} "${dateKey}": day out of range for ${year}-${pad2(month)}`);
  }
  return { year, month, day };
}

/** @example formatDateKey(2024, 3, 9) // '2024-03-09' */
export function formatDateKey(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * UTC midnight of a calendar date in epoch ms, also for years 0-99 (which `Date.UTC` would
 * map to 1900-1999).
 *
 * @example utcMidnightMs(2024, 3, 31) // 1711843200000
 */
export function utcMidnightMs(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

/** Days since 1970-01-01 of a date key. @example epochDayOf('1970-01-02') // 1 */
export function epochDayOf(dateKey: string): number {
  const { year, month, day } = parseDateKey(dateKey);
  return utcMidnightMs(year, month, day) / DAY_MS;
}

/** Date key of a day count since 1970-01-01. @example dateKeyOfEpochDay(19723) // '2024-01-01' */
export function dateKeyOfEpochDay(epochDay: number): string {
  const d = new Date(epochDay * DAY_MS);
  return formatDateKey(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** @example addDays('2024-02-28', 2) // '2024-03-01' */
export function addDays(dateKey: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: day count must be an integer, got ${n}`);
  return dateKeyOfEpochDay(epochDayOf(dateKey) + n);
}

/** @example daysBetween('2024-01-01', '2025-01-01') // 366 */
export function daysBetween(fromKey: string, toKey: string): number {
  return epochDayOf(toKey) - epochDayOf(fromKey);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. @example weekdayOf('2024-03-31') // 7 */
export function weekdayOf(dateKey: string): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((epochDayOf(dateKey) + 3) % 7) + 7) % 7) + 1;
}

/** @example isLeapYear(2000) // true; isLeapYear(1900) // false */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** @example daysInMonth(2024, 2) // 29 */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`daysInMonth: month must be 1..12, got ${month}`);
  }
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
