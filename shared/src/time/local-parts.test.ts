import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localParts, offsetMinutesAt } from './local-parts.js';

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

const pad = (n: number): string => String(n).padStart(2, '0');

describe('localParts against Python zoneinfo (fixtures/dst-days.json)', () => {
  for (const [zone, data] of Object.entries(fixture.zones)) {
    it(`${zone}: ${data.samples.length} instants agree`, () => {
      for (const s of data.samples) {
        const p = localParts(s.instantMs, zone);
        const text = `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
        expect(`${text}:${pad(p.second)}`, `${zone} @ ${s.instantMs}`).toBe(s.local);
        expect(p.weekday).toBe(s.weekday);
        expect(p.offsetMinutes).toBe(s.offsetMinutes);
        expect(p.dateKey).toBe(s.local.slice(0, 10));
        expect(p.minuteOfDay).toBe(p.hour * 60 + p.minute);
      }
    });
  }
});

describe('localParts', () => {
  it('gives the documented example', () => {
    expect(localParts(Date.UTC(2024, 2, 31, 1, 30), 'Europe/London')).toEqual({
      year: 2024,
      month: 3,
      day: 31,
      hour: 2,
      minute: 30,
      second: 0,
      weekday: 7,
      minuteOfDay: 150,
      dateKey: '2024-03-31',
      offsetMinutes: 60,
    });
  });

  it('handles sub-second and pre-1970 instants', () => {
    expect(localParts(Date.UTC(1960, 0, 1, 0, 0, 0) + 999, 'UTC').second).toBe(0);
    expect(offsetMinutesAt(-1, 'Asia/Kolkata')).toBe(330);
    expect(localParts(-1, 'UTC').dateKey).toBe('1969-12-31');
  });

  it('names a bad zone and a bad instant', () => {
    expect(() => localParts(0, 'Mars/Olympus')).toThrow(/time zone "Mars\/Olympus": not a known/);
    expect(() => localParts(Number.NaN, 'UTC')).toThrow(/finite epoch ms, got NaN/);
  });
});
