import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from '../../src/money/index.js';
import { roundTo, sum } from '../../src/tariff/rational.js';
import { compileTariff, importUrdb, jsonNumberText, TariffError } from '../../src/tariff/index.js';
import type { UrdbRate } from '../../src/tariff/index.js';
import {
  FIXTURES,
  monthPeriods,
  rateBoth,
  readJson,
  samLoad,
  shippedTariff,
  total,
} from './helpers.js';

interface SamCase {
  test: string;
  rate: string;
  load: string;
  expected: string;
  tolerance: string;
}
const sam = readJson(`${FIXTURES}sam-expected.json`) as { cases: SamCase[] };
const YEAR_START = Date.UTC(2018, 0, 1); // a Monday, like SAM's calendar

describe('URDB import reproduces NREL SAM utilityrate5 published bills', () => {
  for (const c of sam.cases) {
    it(`${c.test}: ${c.expected} ± ${c.tolerance}`, () => {
      const rate = readJson(`${FIXTURES}${c.rate}`) as UrdbRate;
      const versions = compileTariff([
        importUrdb(rate, { timeZone: 'UTC', effectiveFrom: '2018-01-01' }),
      ]);
      const bills = rateBoth(
        versions,
        samLoad(c.load, YEAR_START),
        monthPeriods('UTC', '2018-01-01', 12),
      );
      const cents = parseDecimal(total(bills), 2);
      const expected = parseDecimal(c.expected, 2);
      const tolerance = parseDecimal(c.tolerance, 2);
      expect(cents >= expected - tolerance && cents <= expected + tolerance).toBe(true);
    });
  }

  it('tiers with "kWh daily" units scale by days in the month, shared by the periods', () => {
    const rate = readJson(`${FIXTURES}sam_residential_tou_tiers.urdb.json`) as UrdbRate;
    const [v] = compileTariff([importUrdb(rate, { timeZone: 'UTC', effectiveFrom: '2018-01-01' })]);
    const bills = rateBoth(
      [v!],
      samLoad('pvsamv1_residential_load.csv', YEAR_START),
      monthPeriods('UTC', '2018-01-01', 2),
    );
    // kWh at 6 places (proportional shares are shown rounded to 1e-6 kWh)
    const kwh = (i: number, tier?: number) =>
      bills[i]!.lines.filter((l) => tier === undefined || l.determinants.tier === tier).reduce(
        (a, l) => a + parseDecimal(l.quantity, 6),
        0n,
      );
    const near = (x: bigint, y: bigint) => x - y <= 10n && y - x <= 10n;
    const min = (x: bigint, y: bigint) => (x < y ? x : y);
    // winter limit 11.96 kWh/day: 370.76 kWh in January (31 days), 334.88 in February (28)
    expect(near(kwh(0, 1), min(370_760_000n, kwh(0)))).toBe(true);
    expect(kwh(0) > 370_760_000n).toBe(true);
    expect(near(kwh(1, 1), min(334_880_000n, kwh(1)))).toBe(true);
  });

  it('the shipped URDB sample (TOU × tiers, TOU demand, $/day fixed), SAM commercial load', () => {
    const versions = shippedTariff('urdb-multi-tier-tou-demand.urdb.json');
    const bills = rateBoth(
      versions,
      samLoad('load_commercial.csv', YEAR_START),
      monthPeriods('UTC', '2018-01-01', 12),
    );
    // an independent float re-implementation of SAM's rules (tariffs.md §1.2) on the same
    // load rounded to whole Wh gives 97440.8736 (97440.9085 on the unrounded kW values)
    const precise = sum(bills.flatMap((b) => b.lines.map((l) => l.precise)));
    expect(formatDecimal(roundTo(precise, 9, 2, 'half-up'), 2)).toBe('97440.87');
    // lines are rounded one by one: the bill total stays within half a cent per line
    const lineCount = BigInt(bills.reduce((a, b) => a + b.lines.length, 0));
    const drift = parseDecimal(total(bills), 2) - parseDecimal('97440.87', 2);
    expect(drift * 2n <= lineCount && -drift * 2n <= lineCount).toBe(true);
    const july = bills[6]!;
    expect(
      july.lines.map(
        (l) => `${l.kind}:${l.determinants.period ?? ''}:${l.determinants.tier ?? ''}`,
      ),
    ).toEqual(['fixed::', 'energy:p2:1', 'energy:p2:2', 'demand:d2:1', 'demand:d2:2']);
    expect(july.lines[1]!.quantity).toBe('20000');
  });

  it('rejects tier limits that differ between periods of one month, naming the month', () => {
    const rate = readJson(`${FIXTURES}sam_residential_tou_tiers.urdb.json`) as UrdbRate;
    const bad = structuredClone(rate);
    bad.energyratestructure![0]![0]!.max = 12;
    expect(() => importUrdb(bad, { timeZone: 'UTC' })).toThrow(TariffError);
    expect(() => importUrdb(bad, { timeZone: 'UTC' })).toThrow(/month \d+\): tier limits differ/);
  });

  it('reads JSON numbers as their decimal text, never through float arithmetic', () => {
    expect(jsonNumberText(0.078891, 'x')).toBe('0.078891');
    expect(jsonNumberText(1e-7, 'x')).toBe('0.0000001');
    expect(jsonNumberText(1.5e21, 'x')).toBe('1500000000000000000000');
    expect(jsonNumberText(0.1 + 0.2, 'x')).toBe('0.30000000000000004');
  });
});
