import { describe, expect, it } from 'vitest';
import { addDays } from '../time/index.js';
import { compileTariff } from './compile.js';
import { createIncrementalRater } from './incremental.js';
import { localMidnightUtcMs } from '../time/index.js';
import { parseTariffVersion } from './parse-tariff.js';
import { standingChargesOfDay } from './standing-charges.js';

function tariff(fixed: Record<string, unknown>[], over: Record<string, unknown> = {}) {
  return compileTariff([
    parseTariffVersion({
      format: 'gridbill-tariff/v1',
      tariffId: 't',
      versionId: 't-1',
      effectiveFrom: '2026-01-01',
      timeZone: 'Africa/Nairobi',
      currency: 'KES',
      rounding: 'half-up',
      periods: ['all'],
      schedules: { default: { defaultPeriod: 'all', seasons: [] } },
      components: [
        { kind: 'energy', id: 'e', description: 'Energy', rates: { all: '20' } },
        ...fixed.map((f, i) => ({ kind: 'fixed', id: `f${i}`, description: 'Fixed', ...f })),
      ],
      ...over,
    }),
  ]);
}

/** Draws of component f0 for each day of the month starting at `firstKey`. */
function month(versions: ReturnType<typeof tariff>, firstKey: string, days: number): bigint[] {
  return Array.from({ length: days }, (_, i) =>
    standingChargesOfDay(versions, addDays(firstKey, i)).reduce((a, c) => a + c.amountMinor, 0n),
  );
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('standingChargesOfDay', () => {
  it('spreads a monthly charge over calendar days; the month adds up exactly', () => {
    const v = tariff([{ amount: '100', per: 'month' }]);
    const june = month(v, '2026-06-01', 30);
    expect(june.slice(0, 3)).toEqual([333n, 334n, 333n]);
    expect(sum(june)).toBe(10_000n);
    expect(sum(month(v, '2026-02-01', 28))).toBe(10_000n);
    expect(sum(month(v, '2026-07-01', 31))).toBe(10_000n);
    // the 1st starts a new running total: never negative
    expect(standingChargesOfDay(v, '2026-07-01')).toEqual([
      { versionId: 't-1', componentId: 'f0', amountMinor: 323n },
    ]);
  });

  it('a daily charge with sub-cent precision rounds as a running total', () => {
    const v = tariff([{ amount: '0.6012', per: 'day' }]);
    const june = month(v, '2026-06-01', 30);
    expect(june.slice(0, 5)).toEqual([60n, 60n, 60n, 60n, 61n]); // 300.6 cents → 301
    expect(sum(june)).toBe(1804n); // 30 × 0.6012 = 18.036 → 18.04
  });

  it('fixed-30 months: every month totals the amount, day 31 and February included', () => {
    const v = tariff([{ amount: '30', per: 'month', monthBasis: 'fixed-30' }]);
    expect(sum(month(v, '2026-05-01', 31))).toBe(3000n);
    expect(sum(month(v, '2026-02-01', 28))).toBe(3000n);
    expect(month(v, '2026-05-01', 2)).toEqual([100n, 100n]);
  });

  it('no fixed component or no version in effect → nothing', () => {
    expect(standingChargesOfDay(tariff([]), '2026-06-01')).toEqual([]);
    expect(standingChargesOfDay(tariff([{ amount: '5', per: 'day' }]), '2025-12-31')).toEqual([]);
  });

  it("a whole month's draws equal the kernel's fixed lines for that month", () => {
    const fixed = [
      { amount: '100', per: 'month' },
      { amount: '0.6012', per: 'day' },
      { amount: '45.5', per: 'month', monthBasis: 'fixed-30' },
    ];
    const v = tariff(fixed);
    for (const [first, days] of [
      ['2026-02-01', 28],
      ['2026-03-01', 31],
      ['2026-06-01', 30],
    ] as const) {
      const rater = createIncrementalRater({ versions: v, meterId: 'm', intervalSeconds: 900 });
      const zone = 'Africa/Nairobi';
      const state = rater.open(
        localMidnightUtcMs(first, zone),
        localMidnightUtcMs(addDays(first, days), zone),
      );
      const kernel = rater
        .close(state)
        .result.lines.filter((l) => l.kind === 'fixed')
        .reduce((a, l) => a + l.amountMinor, 0n);
      expect(sum(month(v, first, days)), first).toBe(kernel);
    }
  });
});
