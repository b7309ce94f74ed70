import { describe, expect, it } from 'vitest';
import { localDaySpan } from './daily-close.js';

const HOUR = 3_600_000;

describe('localDaySpan', () => {
  it('is the local day in the zone, not the UTC day', () => {
    expect(localDaySpan('2026-11-28', 'Africa/Nairobi')).toEqual({
      startMs: Date.UTC(2026, 10, 27, 21),
      endMs: Date.UTC(2026, 10, 28, 21),
    });
    expect(localDaySpan('2026-11-28', 'UTC')).toEqual({
      startMs: Date.UTC(2026, 10, 28),
      endMs: Date.UTC(2026, 10, 29),
    });
  });

  it('is 23 hours on the spring DST day and 25 on the autumn one', () => {
    const spring = localDaySpan('2026-03-29', 'Europe/London');
    expect(spring.startMs).toBe(Date.UTC(2026, 2, 29, 0));
    expect(spring.endMs - spring.startMs).toBe(23 * HOUR);
    const autumn = localDaySpan('2026-10-25', 'Europe/London');
    expect(autumn.startMs).toBe(Date.UTC(2026, 9, 24, 23));
    expect(autumn.endMs - autumn.startMs).toBe(25 * HOUR);
    const ny = localDaySpan('2026-11-01', 'America/New_York');
    expect(ny.endMs - ny.startMs).toBe(25 * HOUR);
  });

  it('refuses a date that does not exist, naming it', () => {
    expect(() => localDaySpan('2026-02-30', 'UTC')).toThrow(/2026-02-30/);
    expect(() => localDaySpan('28/11/2026', 'UTC')).toThrow(/YYYY-MM-DD/);
  });
});
