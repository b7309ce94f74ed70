import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, weekdayOf } from './date-key.js';
import { easterSunday } from './easter.js';
import {
  type HolidayCalendar,
  holidaysInYear,
  isHoliday,
  parseHolidayCalendar,
  ruleDateInYear,
} from './holiday-calendar.js';

/** US federal holidays (5 U.S.C. 6103) as data. */
const usFederal: HolidayCalendar = parseHolidayCalendar({
  id: 'us-federal',
  dates: [],
  rules: [
    { kind: 'fixed', month: 1, day: 1, observed: 'nearest-weekday', name: "New Year's Day" },
    { kind: 'nth-weekday', month: 1, weekday: 1, n: 3, name: 'Martin Luther King Jr. Day' },
    { kind: 'nth-weekday', month: 2, weekday: 1, n: 3, name: "Washington's Birthday" },
    { kind: 'last-weekday', month: 5, weekday: 1, name: 'Memorial Day' },
    { kind: 'fixed', month: 6, day: 19, observed: 'nearest-weekday', fromYear: 2021 },
    { kind: 'fixed', month: 7, day: 4, observed: 'nearest-weekday' },
    { kind: 'nth-weekday', month: 9, weekday: 1, n: 1, name: 'Labor Day' },
    { kind: 'nth-weekday', month: 10, weekday: 1, n: 2, name: 'Columbus Day' },
    { kind: 'fixed', month: 11, day: 11, observed: 'nearest-weekday' },
    { kind: 'nth-weekday', month: 11, weekday: 4, n: 4, name: 'Thanksgiving Day' },
    { kind: 'fixed', month: 12, day: 25, observed: 'nearest-weekday' },
  ],
});

/** England and Wales bank holidays (regular rules; one-off days would go in `dates`). */
const englandWales: HolidayCalendar = parseHolidayCalendar({
  id: 'gb-eaw',
  dates: [],
  rules: [
    { kind: 'fixed', month: 1, day: 1, observed: 'next-free-weekday' },
    { kind: 'easter', offsetDays: -2, name: 'Good Friday' },
    { kind: 'easter', offsetDays: 1, name: 'Easter Monday' },
    { kind: 'nth-weekday', month: 5, weekday: 1, n: 1 },
    { kind: 'last-weekday', month: 5, weekday: 1 },
    { kind: 'last-weekday', month: 8, weekday: 1 },
    { kind: 'fixed', month: 12, day: 25, observed: 'next-free-weekday' },
    { kind: 'fixed', month: 12, day: 26, observed: 'next-free-weekday' },
  ],
});

describe('holiday calendars against published lists (fixtures/SOURCES.md)', () => {
  it.each([
    [2021, '01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31'],
    [2024, '01-01 01-15 02-19 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25'],
    [2025, '01-01 01-20 02-17 05-26 06-19 07-04 09-01 10-13 11-11 11-27 12-25'],
    [2026, '01-01 01-19 02-16 05-25 06-19 07-03 09-07 10-12 11-11 11-26 12-25'],
  ])('US federal %i', (year, list) => {
    expect(holidaysInYear(usFederal, year)).toEqual(list.split(' ').map((d) => `${year}-${d}`));
  });

  it.each([
    [2024, '01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26'],
    [2025, '01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26'],
    // Christmas Saturday, Boxing Day Sunday: substitutes Monday 27 and Tuesday 28.
    [2021, '01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28'],
    [2027, '01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28'],
  ])('England and Wales %i', (year, list) => {
    expect(holidaysInYear(englandWales, year)).toEqual(list.split(' ').map((d) => `${year}-${d}`));
  });

  it('a substitute skips a weekday holiday: 2022 Christmas moves past Boxing Day Monday', () => {
    expect(holidaysInYear(englandWales, 2022).slice(-2)).toEqual(['2022-12-26', '2022-12-27']);
    expect(isHoliday(englandWales, '2022-01-03')).toBe(true);
  });

  it('Juneteenth only from 2021; Jan 1 2022 (Saturday) is observed on 2021-12-31', () => {
    expect(isHoliday(usFederal, '2020-06-19')).toBe(false);
    expect(isHoliday(usFederal, '2021-12-31')).toBe(true);
    expect(isHoliday(usFederal, '2022-01-01')).toBe(false);
  });
});

describe('holiday rules', () => {
  it('fixed dates (announced per year, e.g. China 2024 Spring Festival) are holidays', () => {
    const cn: HolidayCalendar = { id: 'cn-2024', dates: ['2024-02-10', '2024-02-11'] };
    expect(isHoliday(cn, '2024-02-10')).toBe(true);
    expect(isHoliday(cn, '2024-02-12')).toBe(false);
    expect(holidaysInYear(cn, 2023)).toEqual([]);
  });

  it('Easter matches known dates', () => {
    const known = ['2000-04-23', '2019-04-21', '2024-03-31', '2025-04-20', '2038-04-25'];
    for (const key of known) expect(easterSunday(Number.parseInt(key, 10))).toBe(key);
  });

  it('nth and last weekday rules land on the weekday, in the month, in order', () => {
    const years = fc.integer({ min: 1900, max: 2200 });
    const months = fc.integer({ min: 1, max: 12 });
    const weekdays = fc.integer({ min: 1, max: 7 });
    fc.assert(
      fc.property(years, months, weekdays, (year, month, weekday) => {
        const first = ruleDateInYear({ kind: 'nth-weekday', month, weekday, n: 1 }, year);
        const last = ruleDateInYear({ kind: 'last-weekday', month, weekday }, year);
        expect(first && weekdayOf(first)).toBe(weekday);
        expect(last && weekdayOf(last)).toBe(weekday);
        expect(Number.parseInt(first?.slice(8) ?? '', 10)).toBeLessThanOrEqual(7);
        expect(last?.slice(5, 7)).toBe(String(month).padStart(2, '0'));
        expect(addDays(last ?? '', 7).slice(5, 7)).not.toBe(String(month).padStart(2, '0'));
      }),
    );
  });

  it('a missing 5th weekday and Feb 29 outside leap years give no holiday', () => {
    expect(ruleDateInYear({ kind: 'nth-weekday', month: 2, weekday: 1, n: 5 }, 2023)).toBe(
      undefined,
    );
    expect(ruleDateInYear({ kind: 'fixed', month: 2, day: 29 }, 2023)).toBe(undefined);
    expect(ruleDateInYear({ kind: 'fixed', month: 2, day: 29 }, 2024)).toBe('2024-02-29');
  });

  it('observed dates are never on a weekend', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1950, max: 2100 }), fc.integer({ min: 1, max: 28 }), (y, d) => {
        for (const observed of ['nearest-weekday', 'next-monday', 'next-free-weekday'] as const) {
          const key = ruleDateInYear({ kind: 'fixed', month: 3, day: d, observed }, y);
          expect(weekdayOf(key ?? '')).toBeLessThanOrEqual(5);
        }
      }),
    );
  });
});

describe('parseHolidayCalendar', () => {
  it.each([
    [{ id: 'cn', dates: ['2024-02-30'] }, /"cn": dates\[0\]: expected a valid YYYY-MM-DD/],
    [
      { id: 'x', dates: [], rules: [{ kind: 'nth-weekday', month: 13, weekday: 1, n: 1 }] },
      /"x": rules\[0\]\.month: /,
    ],
    [{ id: 'y', dates: [], rules: [{ kind: 'lunar', month: 1 }] }, /"y": rules\[0\]\.kind/],
    [{ dates: [] }, /calendar null: id: /],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseHolidayCalendar(input)).toThrow(message);
  });

  it('rejects a bad date key passed to isHoliday', () => {
    expect(() => isHoliday(usFederal, '2024/01/01')).toThrow(/"2024\/01\/01"/);
  });
});
