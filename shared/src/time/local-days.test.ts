import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './date-key.js';
import { intervalsBetween, localDays } from './local-days.js';
import { localParts } from './local-parts.js';

interface DstFixture {
  from: string;
  to: string;
  zones: Record<
    string,
    {
      nonStandardDays: { dateKey: string; startMs: number; endMs: number }[];
      samples: { instantMs: number; local: string; weekday: number; offsetMinutes: number }[];
    }
  >;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/dst-days.json', import.meta.url), 'utf8'),
) as DstFixture;

const HOUR_MS = 3_600_000;

describe('localDays against Python zoneinfo (fixtures/dst-days.json)', () => {
  for (const [zone, data] of Object.entries(fixture.zones)) {
    it(`${zone}: the days that are not 24 h are exactly the fixture's`, () => {
      const days = localDays(fixture.from, fixture.to, zone);
      const odd = days
        .filter((d) => d.hours !== 24)
        .map(({ dateKey, startMs, endMs }) => ({
          dateKey,
          startMs,
          endMs,
        }));
      expect(odd).toEqual(data.nonStandardDays);
      days.forEach((d, i) => {
        if (i > 0) expect(d.startMs).toBe(days[i - 1]?.endMs);
      });
    });
  }
});

describe('localDays', () => {
  it.each([
    ['Europe/London', '2024-03-31', 23],
    ['Europe/London', '2024-10-27', 25],
    ['America/New_York', '2024-03-10', 23],
    ['America/New_York', '2024-11-03', 25],
    ['Australia/Sydney', '2024-04-07', 25],
    ['Australia/Sydney', '2024-10-06', 23],
    ['Asia/Shanghai', '2024-03-31', 24],
    ['Australia/Lord_Howe', '2024-04-07', 24.5],
  ] as const)('%s %s has %s hours', (zone, dateKey, hours) => {
    const [day] = localDays(dateKey, addDays(dateKey, 1), zone);
    expect(day?.hours).toBe(hours);
  });

  it('a skipped date (Samoa, 2011-12-30) is a 0-hour day and the bounds still chain', () => {
    const days = localDays('2011-12-29', '2012-01-01', 'Pacific/Apia');
    expect(days.map((d) => d.hours)).toEqual([24, 0, 24]);
    expect(days[1]?.startMs).toBe(Date.UTC(2011, 11, 30, 10));
    expect(localParts(Date.UTC(2011, 11, 30, 10), 'Pacific/Apia').dateKey).toBe('2011-12-31');
  });

  it('London 2024 has 364 days of 24 h, one of 23, one of 25 and 8784 hours in all', () => {
    const days = localDays('2024-01-01', '2025-01-01', 'Europe/London');
    expect(days).toHaveLength(366);
    expect(days.filter((d) => d.hours === 24)).toHaveLength(364);
    expect(days.reduce((sum, d) => sum + d.hours, 0)).toBe(366 * 24);
  });

  it('every instant belongs to exactly one local day, the one localParts names', () => {
    const zones = fc.constantFrom(
      'Europe/London',
      'America/New_York',
      'Australia/Sydney',
      'Asia/Shanghai',
      'America/Santiago',
    );
    const instants = fc.integer({ min: Date.UTC(2016, 0, 3), max: Date.UTC(2030, 11, 28) });
    fc.assert(
      fc.property(instants, zones, (ms, zone) => {
        const key = new Date(ms).toISOString().slice(0, 10);
        const days = localDays(addDays(key, -2), addDays(key, 3), zone);
        const holding = days.filter((d) => d.startMs <= ms && ms < d.endMs);
        expect(holding).toHaveLength(1);
        expect(holding[0]?.dateKey).toBe(localParts(ms, zone).dateKey);
      }),
      { numRuns: 300 },
    );
  });

  it('DST days split into 92 / 96 / 100 quarter-hours; each instant in exactly one', () => {
    const days = localDays('2024-10-26', '2024-10-28', 'Europe/London');
    const counts = days.map((d) => intervalsBetween(d.startMs, d.endMs, 900).length);
    expect(counts).toEqual([96, 100]);
    const spring = localDays('2024-03-31', '2024-04-01', 'Europe/London')[0];
    expect(spring && intervalsBetween(spring.startMs, spring.endMs, 900)).toHaveLength(92);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 * HOUR_MS - 1 }), (offsetMs) => {
        const first = days[0]?.startMs ?? 0;
        const all = days.flatMap((d) => intervalsBetween(d.startMs, d.endMs, 900));
        const ms = first + offsetMs;
        expect(all.filter((iv) => iv.startMs <= ms && ms < iv.endMs)).toHaveLength(
          ms < (days[1]?.endMs ?? 0) ? 1 : 0,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('names bad ranges', () => {
    expect(() => localDays('2024-02-02', '2024-02-01', 'UTC')).toThrow(/end 2024-02-01 is before/);
    expect(() => intervalsBetween(0, 1000, 0)).toThrow(/positive integer, got 0/);
    expect(() => intervalsBetween(0, 1000, 900)).toThrow(/not a whole number of 900 s intervals/);
    expect(() => intervalsBetween(10, 0, 1)).toThrow(/from <= to, got 10..0/);
    expect(localDays('2024-02-01', '2024-02-01', 'UTC')).toEqual([]);
  });
});
