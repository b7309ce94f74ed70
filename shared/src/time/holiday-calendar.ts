import { z } from 'zod';
import { addDays, daysInMonth, formatDateKey, parseDateKey, weekdayOf } from './date-key.js';
import { easterSunday } from './easter.js';

const month = z.number().int().min(1).max(12);
const weekday = z.number().int().min(1).max(7);
const years = {
  name: z.string().min(1).optional(),
  /** first year the rule applies (inclusive) */
  fromYear: z.number().int().optional(),
  /** last year the rule applies (inclusive) */
  toYear: z.number().int().optional(),
};

/**
 * Yearly holiday rules, as data:
 * - `fixed`: same month-day every year; `observed` moves weekend dates
 *   (`nearest-weekday`: Sat → Fri, Sun → Mon; `next-monday`: Sat/Sun → Mon;
 *   `next-free-weekday`: to the first weekday that is not already a holiday of the calendar,
 *   as UK substitute days do: Christmas on Saturday → Monday 27, Boxing Day → Tuesday 28).
 * - `nth-weekday`: e.g. 4th Thursday of November (`n` 1..5; a missing 5th is no holiday).
 * - `last-weekday`: e.g. last Monday of May.
 * - `easter`: Western Easter Sunday plus `offsetDays` (Good Friday -2, Easter Monday 1).
 */
export const holidayRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fixed'),
    month,
    day: z.number().int().min(1).max(31),
    observed: z.enum(['none', 'nearest-weekday', 'next-monday', 'next-free-weekday']).optional(),
    ...years,
  }),
  z.object({
    kind: z.literal('nth-weekday'),
    month,
    weekday,
    n: z.number().int().min(1).max(5),
    ...years,
  }),
  z.object({ kind: z.literal('last-weekday'), month, weekday, ...years }),
  z.object({
    kind: z.literal('easter'),
    offsetDays: z.number().int().min(-366).max(366),
    ...years,
  }),
]);

export type HolidayRule = z.infer<typeof holidayRuleSchema>;

const dateKeySchema = z.string().refine(
  (key) => {
    try {
      parseDateKey(key);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid YYYY-MM-DD date' },
);

export const holidayCalendarSchema = z.object({
  id: z.string().min(1),
  dates: z.array(dateKeySchema),
  rules: z.array(holidayRuleSchema).optional(),
});

/** Holidays of one jurisdiction: fixed dates (one-off or announced per year) plus yearly rules. */
export type HolidayCalendar = z.infer<typeof holidayCalendarSchema>;

/**
 * Validates a calendar read from a document; the error names the calendar and the field.
 *
 * @example parseHolidayCalendar({ id: 'cn', dates: ['2024-02-30'] })
 * // throws 'holiday calendar "cn": dates[0]: expected a valid YYYY-MM-DD date'
 */
export function parseHolidayCalendar(input: unknown): HolidayCalendar {
  const result = holidayCalendarSchema.safeParse(input);
  if (result.success) return result.data;
  const id = (input as { id?: unknown } | null)?.id;
  const issues = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new RangeError(`holiday calendar ${JSON.stringify(id ?? null)}: ${issues.join('; ')}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
    '',
  );
}

/** The date a rule gives in `year`, or undefined (out of its years, or no 5th weekday). */
export function ruleDateInYear(rule: HolidayRule, year: number): string | undefined {
  if (rule.fromYear !== undefined && year < rule.fromYear) return undefined;
  if (rule.toYear !== undefined && year > rule.toYear) return undefined;
  switch (rule.kind) {
    case 'fixed':
      return fixedDate(rule.month, rule.day, rule.observed ?? 'none', year);
    case 'nth-weekday':
      return nthWeekday(year, rule.month, rule.weekday, rule.n);
    case 'last-weekday':
      return lastWeekday(year, rule.month, rule.weekday);
    case 'easter':
      return addDays(easterSunday(year), rule.offsetDays);
  }
}

function fixedDate(month: number, day: number, observed: string, year: number): string | undefined {
  if (day > daysInMonth(year, month)) return undefined; // Feb 29 outside leap years
  const key = formatDateKey(year, month, day);
  const wd = weekdayOf(key);
  if (observed === 'nearest-weekday' && wd >= 6) return addDays(key, wd === 6 ? -1 : 1);
  const toMonday = observed === 'next-monday' || observed === 'next-free-weekday';
  if (toMonday && wd >= 6) return addDays(key, 8 - wd);
  return key;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): string | undefined {
  const first = formatDateKey(year, month, 1);
  const day = 1 + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
  return day <= daysInMonth(year, month) ? formatDateKey(year, month, day) : undefined;
}

function lastWeekday(year: number, month: number, weekday: number): string {
  const lastDay = daysInMonth(year, month);
  const last = formatDateKey(year, month, lastDay);
  return formatDateKey(year, month, lastDay - ((weekdayOf(last) - weekday + 7) % 7));
}

const yearCache = new WeakMap<HolidayCalendar, Map<number, ReadonlySet<string>>>();

/**
 * All holiday dates of a calendar falling in `year` (fixed dates and rules), sorted.
 * Observed dates may cross the year (1 Jan on a Saturday observed on 31 Dec before).
 *
 * @example holidaysInYear({ id: 'x', dates: [], rules: [
 *   { kind: 'last-weekday', month: 5, weekday: 1 }] }, 2024) // ['2024-05-27']
 */
export function holidaysInYear(calendar: HolidayCalendar, year: number): string[] {
  return [...yearSet(calendar, year)].sort();
}

function yearSet(calendar: HolidayCalendar, year: number): ReadonlySet<string> {
  let byYear = yearCache.get(calendar);
  if (!byYear) yearCache.set(calendar, (byYear = new Map()));
  const cached = byYear.get(year);
  if (cached) return cached;
  const prefix = `${String(year).padStart(4, '0')}-`;
  const keys = new Set<string>();
  for (const y of [year - 1, year, year + 1]) {
    for (const key of datesOfRuleYear(calendar, y)) if (key.startsWith(prefix)) keys.add(key);
  }
  byYear.set(year, keys);
  return keys;
}

/**
 * Fixed dates of year `y` and every rule's date for `y`; `next-free-weekday` substitutes are
 * placed last, in rule order, on the first weekday not yet taken.
 */
function datesOfRuleYear(calendar: HolidayCalendar, y: number): Set<string> {
  const prefix = `${String(y).padStart(4, '0')}-`;
  const taken = new Set(calendar.dates.filter((d) => d.startsWith(prefix)));
  const substitutes: string[] = [];
  for (const rule of calendar.rules ?? []) {
    const raw =
      rule.kind === 'fixed' && rule.observed === 'next-free-weekday'
        ? ruleDateInYear({ ...rule, observed: 'none' }, y)
        : undefined;
    if (raw !== undefined && weekdayOf(raw) >= 6) substitutes.push(raw);
    else {
      const key = ruleDateInYear(rule, y);
      if (key !== undefined) taken.add(key);
    }
  }
  for (const raw of substitutes) {
    let key = addDays(raw, 1);
    while (weekdayOf(key) >= 6 || taken.has(key)) key = addDays(key, 1);
    taken.add(key);
  }
  return taken;
}

/**
 * Whether a local date is a holiday in the calendar. Calendars are treated as immutable
 * (results are cached per calendar object and year).
 *
 * @example isHoliday({ id: 'us', dates: [], rules: [
 *   { kind: 'nth-weekday', month: 11, weekday: 4, n: 4 }] }, '2024-11-28') // true
 */
export function isHoliday(calendar: HolidayCalendar, dateKey: string): boolean {
  return yearSet(calendar, parseDateKey(dateKey).year).has(dateKey);
}
