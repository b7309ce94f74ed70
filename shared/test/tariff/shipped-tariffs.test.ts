import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from '../../src/money/index.js';
import { createIncrementalRater } from '../../src/tariff/index.js';
import { roundTo, sum } from '../../src/tariff/rational.js';
import { localMidnightUtcMs } from '../../src/time/index.js';
import { dayPeriod, money, rateBoth, readJson, shippedTariff, TARIFFS } from './helpers.js';

interface AgileDoc {
  components: {
    kind: string;
    amount?: string;
    series?: { prices: string[] }[];
    fallbackRate?: string;
  }[];
}

describe('shipped tariffs', () => {
  it('Agile-style: published prices Oct 1, fallback Oct 2, VAT on unrounded sums', () => {
    const tz = 'Europe/London';
    const doc = readJson(`${TARIFFS}octopus-agile-style.json`) as AgileDoc;
    const prices = doc.components.find((c) => c.kind === 'dynamic')!.series![0]!.prices;
    const fallback = doc.components.find((c) => c.kind === 'dynamic')!.fallbackRate!;
    const standing = doc.components.find((c) => c.kind === 'fixed')!.amount!;
    const v = shippedTariff('octopus-agile-style.json');
    const start = localMidnightUtcMs('2024-10-01', tz);
    const startMs = Array.from({ length: 96 }, (_, i) => start + i * 1_800_000);
    const usage = { startMs, wh: startMs.map(() => 1000), intervalSeconds: 1800 };
    const [bill] = rateBoth(v, usage, [dayPeriod(tz, '2024-10-01', '2024-10-03')]);
    // independent expectation: 1 kWh per half hour, Σ published prices + 48 × fallback
    const micro = (s: string) => parseDecimal(s, 6);
    const energyMicro = prices.reduce((a, p) => a + micro(p), 0n) + 48n * micro(fallback);
    const beforeTaxMicro = energyMicro + 2n * micro(standing);
    const expectedNano = (beforeTaxMicro * 1000n * 105n) / 100n;
    const precise = sum(bill!.lines.filter((l) => l.kind !== 'rounding').map((l) => l.precise));
    expect(precise).toEqual({ n: expectedNano, d: 1n });
    const fallbackLine = bill!.lines.find((l) => l.determinants.fallbackUsed)!;
    expect(fallbackLine.quantity).toBe('48');
    expect(fallbackLine.determinants.fallbackIntervals).toBe(48);
    expect(bill!.lines.map((l) => l.kind)).toEqual(['fixed', 'dynamic', 'dynamic', 'tax']);
    const lineSum = bill!.lines.reduce((a, l) => a + l.amountMinor, 0n);
    expect(money(bill!)).toBe(formatDecimal(lineSum, 2));
    expect(formatDecimal(roundTo(precise, 9, 2, 'half-up') - lineSum, 2)).toMatch(/^-?0\.0[0-3]$/);
  });

  it('incremental charges: exact amount and a stable id per meter × interval × version', () => {
    const v = shippedTariff('cn-zhejiang-residential-tou.json');
    const tz = 'Asia/Shanghai';
    const rater = createIncrementalRater({ versions: v, meterId: 'm-17', intervalSeconds: 900 });
    const from = localMidnightUtcMs('2024-03-01', tz);
    const to = localMidnightUtcMs('2024-04-01', tz);
    const noon = localMidnightUtcMs('2024-03-05', tz) + 12 * 3_600_000;
    const a = rater.charge(rater.open(from, to), noon, 250);
    const b = rater.charge(rater.open(from, to), noon, 250);
    expect(a.amountNano).toBe(250 * 568_000); // 0.25 kWh × 0.568 CNY (peak, tier 1)
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = createIncrementalRater({ versions: v, meterId: 'm-18', intervalSeconds: 900 });
    expect(other.charge(other.open(from, to), noon, 250).id).not.toBe(a.id);
    const state = rater.open(from, to);
    rater.step(state, noon, 250);
    expect(() => rater.step(state, noon, 250)).toThrow(/not after the previous interval/);
    expect(() => rater.step(state, noon + 900_000, 2.5)).toThrow(/whole non-negative Wh/);
    expect(() => rater.step(state, to, 1)).toThrow(/outside the period/);
    expect(state.segments[0]!.wh).toBe(250);
  });
});
