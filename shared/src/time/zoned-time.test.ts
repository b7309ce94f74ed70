import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localParts } from './local-parts.js';
import { localMidnightUtcMs, zonedTimeToUtcMs } from './zoned-time.js';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Shanghai',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Kathmandu',
] as const;
const zones = fc.constantFrom(...ZONES);
const instants = fc.integer({ min: Date.UTC(2016, 0, 1), max: Date.UTC(2030, 11, 31) });

describe('zonedTimeToUtcMs', () => {
  it('round-trips: the local wall minute of any instant maps back to that minute', () => {
    fc.assert(
      fc.property(instants, zones, (ms, zone) => {
        const minuteMs = Math.floor(ms / 60_000) * 60_000;
        const p = localParts(minuteMs, zone);
        const earlier = zonedTimeToUtcMs(p.dateKey, p.minuteOfDay, zone, 'earlier');
        const later = zonedTimeToUtcMs(p.dateKey, p.minuteOfDay, zone, 'later');
        expect([earlier, later]).toContain(minuteMs);
        expect(earlier).toBeLessThanOrEqual(later);
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic in minuteOfDay (windows never overlap or leave holes)', () => {
    const dates = fc.integer({ min: 0, max: 365 * 14 }).map((n) => {
      return new Date(Date.UTC(2016, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    });
    const minutes = fc.integer({ min: 0, max: 1440 });
    fc.assert(
      fc.property(dates, minutes, minutes, zones, (key, a, b, zone) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(zonedTimeToUtcMs(key, lo, zone)).toBeLessThanOrEqual(
          zonedTimeToUtcMs(key, hi, zone),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('spring-forward gap: wall times that never happen map to the transition instant', () => {
    const transition = Date.UTC(2024, 2, 31, 1, 0);
    expect(zonedTimeToUtcMs('2024-03-31', 60, 'Europe/London')).toBe(transition);
    expect(zonedTimeToUtcMs('2024-03-31', 90, 'Europe/London', 'later')).toBe(transition);
    expect(zonedTimeToUtcMs('2024-03-31', 120, 'Europe/London')).toBe(transition);
    expect(zonedTimeToUtcMs('2024-03-31', 59, 'Europe/London')).toBe(transition - 60_000);
    // New York: 02:30 on 10 Mar 2024 does not exist; clocks jump at 07:00 UTC.
    expect(zonedTimeToUtcMs('2024-03-10', 150, 'America/New_York')).toBe(Date.UTC(2024, 2, 10, 7));
  });

  it('fall-back overlap: earlier and later pick the two instants of the repeated wall time', () => {
    const key = '2024-10-27';
    expect(zonedTimeToUtcMs(key, 90, 'Europe/London', 'earlier')).toBe(
      Date.UTC(2024, 9, 27, 0, 30),
    );
    expect(zonedTimeToUtcMs(key, 90, 'Europe/London', 'later')).toBe(Date.UTC(2024, 9, 27, 1, 30));
    // Sydney: 02:30 on 7 Apr 2024 happens at 15:30 UTC (AEDT) and 16:30 UTC (AEST) on 6 Apr.
    expect(zonedTimeToUtcMs('2024-04-07', 150, 'Australia/Sydney')).toBe(
      Date.UTC(2024, 3, 6, 15, 30),
    );
    expect(zonedTimeToUtcMs('2024-04-07', 150, 'Australia/Sydney', 'later')).toBe(
      Date.UTC(2024, 3, 6, 16, 30),
    );
  });

  it('midnight in a gap starts the day at the transition (Santiago, Sao Paulo 2018)', () => {
    expect(localMidnightUtcMs('2024-09-08', 'America/Santiago')).toBe(Date.UTC(2024, 8, 8, 4));
    expect(localMidnightUtcMs('2018-11-04', 'America/Sao_Paulo')).toBe(Date.UTC(2018, 10, 4, 3));
    expect(localMidnightUtcMs('2024-07-01', 'Asia/Shanghai')).toBe(Date.UTC(2024, 5, 30, 16));
  });

  it('1440 is the next midnight; bad input is named', () => {
    expect(zonedTimeToUtcMs('2024-03-30', 1440, 'Europe/London')).toBe(Date.UTC(2024, 2, 31));
    expect(() => zonedTimeToUtcMs('2024-03-30', 1441, 'UTC')).toThrow(
      /minuteOfDay for 2024-03-30: must be an integer 0..1440, got 1441/,
    );
    expect(() => zonedTimeToUtcMs('2024-02-30', 0, 'UTC')).toThrow(/"2024-02-30"/);
    expect(() => zonedTimeToUtcMs('2024-02-01', 0, 'Nowhere/Zone')).toThrow(/"Nowhere\/Zone"/);
  });
});
