import { describe, expect, it } from 'vitest';
import { ProfileRing } from './profile-ring.js';

const row = (t: number) => ({
  simMs: t,
  meterClockMs: t + 5,
  status: t % 3,
  importWh: t * 10,
  exportWh: 1,
});

describe('ProfileRing', () => {
  it('grows on demand, keeps the newest `capacity` rows in order and filters by time', () => {
    const ring = new ProfileRing(20);
    for (let t = 1; t <= 50; t++) ring.push(row(t));
    const rows = ring.rows();
    expect(rows.map((r) => r.simMs)).toEqual(Array.from({ length: 20 }, (_, i) => 31 + i));
    expect(rows[0]).toEqual(row(31));
    expect(ring.rows(40, 42).map((r) => r.importWh)).toEqual([400, 410, 420]);
  });

  it('holds Wh values beyond 32 bits exactly', () => {
    const ring = new ProfileRing(3);
    ring.push({ ...row(1), importWh: 999_999_999_999 });
    expect(ring.rows()[0]!.importWh).toBe(999_999_999_999);
  });
});
