import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  dateKeyOfEpochDay,
  daysBetween,
  daysInMonth,
  epochDayOf,
  isLeapYear,
  parseDateKey,
  weekdayOf,
} from './date-key.js';

// 0001-01-01 .. 2517: includes years 1-99, which Date.UTC would shift to 1900-1999.
const epochDays = fc.integer({ min: -719_162, max: 200_000 });

describe('date keys', () => {
  it('epoch day ↔ date key round-trips and agrees with Date.UTC', () => {
    fc.assert(
      fc.property(epochDays, (n) => {
        const key = dateKeyOfEpochDay(n);
        expect(epochDayOf(key)).toBe(n);
        expect(new Date(n * 86_400_000).toISOString().slice(0, 10)).toBe(key);
      }),
    );
  });

  it('years below 100 stay themselves', () => {
    expect(epochDayOf('0001-01-01')).toBe(-719_162);
    expect(dateKeyOfEpochDay(epochDayOf('0024-02-29'))).toBe('0024-02-29');
    expect(weekdayOf('0001-01-01')).toBe(1);
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -714_000, max: 200_000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (n, k) => {
          const key = dateKeyOfEpochDay(n);
          expect(daysBetween(key, addDays(key, k))).toBe(k);
        },
      ),
    );
  });

  it('weekdays: 2024-03-31 Sunday, 2024-01-01 Monday, and +7 days keeps the weekday', () => {
    expect(weekdayOf('2024-03-31')).toBe(7);
    expect(weekdayOf('2024-01-01')).toBe(1);
    expect(weekdayOf('1969-12-31')).toBe(3);
    fc.assert(
      fc.property(epochDays, (n) => {
        const key = dateKeyOfEpochDay(n);
        expect(weekdayOf(addDays(key, 7))).toBe(weekdayOf(key));
        expect(weekdayOf(addDays(key, 1))).toBe((weekdayOf(key) % 7) + 1);
      }),
    );
  });

  it('leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024].map(isLeapYear)).toEqual([false, true, false, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(() => daysInMonth(2024, 13)).toThrow(/month must be 1..12, got 13/);
  });

  it.each([
    ['2023-02-29', /"2023-02-29": day out of range for 2023-02/],
    ['2024-13-01', /"2024-13-01": month out of range/],
    ['2024-1-01', /"2024-1-01": expected YYYY-MM-DD/],
    ['', /"": expected YYYY-MM-DD/],
  ])('rejects %j', (key, message) => {
    expect(() => parseDateKey(key)).toThrow(message);
    expect(() => addDays(key, 1)).toThrow(message);
  });

  it('rejects fractional day counts', () => {
    expect(() => addDays('2024-01-01', 0.5)).toThrow(/integer, got 0.5/);
  });
});
