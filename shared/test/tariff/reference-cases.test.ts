import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from '../../src/money/index.js';
import type { TariffVersion } from '../../src/tariff/index.js';
import {
  compileTariff,
  fixed30MonthFraction,
  parseTariffVersion,
  rateBatch,
  safeNumber,
} from '../../src/tariff/index.js';
import { roundTo } from '../../src/tariff/rational.js';
import { localMidnightUtcMs } from '../../src/time/index.js';
import {
  concatUsage,
  dayPeriod,
  evenUsage,
  FIXTURES,
  money,
  monthPeriods,
  rateBoth,
  readJson,
  shippedTariff,
  TARIFFS,
  total,
} from './helpers.js';

interface Case {
  id: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
  tariff?: Record<string, unknown>;
}
const cases = (readJson(`${FIXTURES}tariff-cases.json`) as { cases: Case[] }).cases;
const byId = (id: string) => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`missing case ${id}`);
  return c;
};
const wh = (kwh: number | string) => safeNumber(parseDecimal(String(kwh), 3), 'kWh');

describe('reference cases (tariff-cases.json)', () => {
  it('CN-BJ-MONTHLY-LADDER: 500 kWh in a month', () => {
    const c = byId('CN-BJ-MONTHLY-LADDER');
    const v = shippedTariff('cn-beijing-monthly-ladder.json');
    const tz = 'Asia/Shanghai';
    const usage = concatUsage(
      [evenUsage(tz, '2013-03-01', '2013-04-01', wh(c.input.monthly_kwh as number), 3600)],
      3600,
    );
    const [bill] = rateBoth(v, usage, monthPeriods(tz, '2013-03-01', 1));
    expect(money(bill!)).toBe(c.expected.bill_cny);
    expect(bill!.lines.map((l) => [l.quantity, l.rate, l.amountMinor])).toEqual([
      ['240', '0.4883', 11719n],
      ['160', '0.5383', 8613n],
      ['100', '0.7883', 7883n],
    ]);
  });

  it('CN-ZJ-ANNUAL-LADDER: twelve monthly bills against year-to-date use', () => {
    const c = byId('CN-ZJ-ANNUAL-LADDER');
    const monthly = c.input.monthly_kwh_jan_to_dec as number[];
    const expected = c.expected.monthly as {
      bill_cny: string;
      tier1_kwh: number;
      tier2_kwh: number;
      tier3_kwh: number;
    }[];
    const v = shippedTariff('cn-zhejiang-residential-flat.json');
    const tz = 'Asia/Shanghai';
    const periods = monthPeriods(tz, '2024-01-01', 12);
    const usage = concatUsage(
      periods.map((p, m) => {
        const key = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
        return evenUsage(tz, key(p.fromMs), key(p.toMs), wh(monthly[m]!), 3600);
      }),
      3600,
    );
    const bills = rateBoth(v, usage, periods);
    bills.forEach((b, m) => {
      expect(money(b)).toBe(expected[m]!.bill_cny);
      const tierKwh = [1, 2, 3].map((t) =>
        b.lines
          .filter((l) => l.determinants.tier === t)
          .reduce((a, l) => a + parseDecimal(l.quantity, 3), 0n),
      );
      const kwhOf = (k: number) => parseDecimal(String(k), 3);
      expect(tierKwh).toEqual([
        kwhOf(expected[m]!.tier1_kwh),
        kwhOf(expected[m]!.tier2_kwh),
        kwhOf(expected[m]!.tier3_kwh),
      ]);
    });
    expect(total(bills)).toBe(c.expected.annual_cny);
  });

  it('CN-ZJ-TOU-2P: 150 kWh peak + 100 kWh valley in March', () => {
    const c = byId('CN-ZJ-TOU-2P');
    const v = shippedTariff('cn-zhejiang-residential-tou.json');
    const tz = 'Asia/Shanghai';
    const startMs: number[] = [];
    const whs: number[] = [];
    for (let d = 1; d <= 25; d++) {
      const key = `2024-03-${String(d).padStart(2, '0')}`;
      startMs.push(localMidnightUtcMs(key, tz) + 2 * 3_600_000); // 02:00 valley
      whs.push(wh(c.input.valley_kwh as number) / 25);
      startMs.push(localMidnightUtcMs(key, tz) + 12 * 3_600_000); // 12:00 peak
      whs.push(wh(c.input.peak_kwh as number) / 25);
    }
    const [bill] = rateBoth(
      v,
      { startMs, wh: whs, intervalSeconds: 3600 },
      monthPeriods(tz, '2024-03-01', 1),
    );
    expect(money(bill!)).toBe(c.expected.bill_cny);
    expect(bill!.lines.map((l) => l.determinants.period)).toEqual(['peak', 'valley']);
  });

  it('OCTOPUS-AGILE-PRICE-DERIVATION: two half-hours at derived unit rates', () => {
    const c = byId('OCTOPUS-AGILE-PRICE-DERIVATION');
    const intervals = c.input.intervals as {
      start: string;
      D: number;
      W: number;
      X: number;
      kwh: number;
    }[];
    // unit rate p/kWh = D + W × X, exact on decimal text, then as GBP/kWh
    const rates = intervals.map((i) => {
      const p =
        parseDecimal(String(i.D), 6) * 1_000_000n +
        parseDecimal(String(i.W), 6) * parseDecimal(String(i.X), 6);
      return formatDecimal(p / 100n, 12).replace(/0+$/, '');
    });
    expect(rates.map((r) => parseDecimal(r.padEnd(8, '0').slice(0, 8), 6))).toEqual(
      (c.expected.unit_rates_p_per_kwh_from_source as number[]).map((p) => BigInt(p) * 10_000n),
    );
    const tz = 'Europe/London';
    const day = '2024-10-02';
    const at = (hhmm: string) =>
      localMidnightUtcMs(day, tz) +
      (Number.parseInt(hhmm.slice(0, 2), 10) * 60 + Number.parseInt(hhmm.slice(3), 10)) * 60_000;
    const ordered = intervals
      .map((i, k) => ({ ...i, rate: rates[k]! }))
      .sort((a, b) => at(a.start) - at(b.start));
    const version = parseTariffVersion({
      format: 'gridbill-tariff/v1',
      tariffId: 'agile-case',
      versionId: 'v1',
      effectiveFrom: day,
      timeZone: tz,
      currency: 'GBP',
      rounding: 'half-up',
      periods: ['all'],
      components: [
        {
          kind: 'dynamic',
          id: 'unit',
          description: 'Agile',
          stepSeconds: 1800,
          fallbackRate: '1',
          series: ordered.map((i) => ({
            start: new Date(at(i.start)).toISOString(),
            prices: [i.rate],
          })),
        },
      ],
    });
    const usage = {
      startMs: ordered.map((i) => at(i.start)),
      wh: ordered.map((i) => wh(i.kwh)),
      intervalSeconds: 1800,
    };
    const [bill] = rateBoth(compileTariff([version]), usage, [dayPeriod(tz, day, '2024-10-03')]);
    const line = bill!.lines[0]!;
    // 56.5 p = £0.565 exactly before the one rounding
    expect(line.precise).toEqual({
      n: parseDecimal(c.expected.cost_p_computed_by_us as string, 9) / 100n,
      d: 1n,
    });
    expect(line.determinants.fallbackUsed).toBe(false);
    expect(money(bill!)).toBe('0.57');
  });

  it('ARCADIA-APS-E32M-DEMAND-TIERS: 200 kW by connection type (arithmetic, not the typo)', () => {
    const c = byId('ARCADIA-APS-E32M-DEMAND-TIERS');
    const tz = 'America/Phoenix';
    const connection = {
      secondary: ['9.254', '4.065'],
      primary: ['8.356', '3.327'],
      transmission: ['6.186', '0.999'],
    };
    const demandKw = c.input.billing_demand_kw as number;
    const results = Object.entries(connection).map(([name, [r1, r2]]) => {
      const v = parseTariffVersion({
        format: 'gridbill-tariff/v1',
        tariffId: 'aps-e32m',
        versionId: name,
        effectiveFrom: '2022-01-01',
        timeZone: tz,
        currency: 'USD',
        rounding: 'half-up',
        periods: ['all'],
        components: [
          {
            kind: 'demand',
            id: 'demand',
            description: `Demand (${name})`,
            windowMinutes: 15,
            rates: { '*': [{ upToKw: '100', rate: r1 }, { rate: r2 }] },
          },
        ],
      });
      // one 15-minute window at the billing demand: kWh = kW / 4
      const usage = {
        startMs: [localMidnightUtcMs('2022-07-05', tz) + 15 * 3_600_000],
        wh: [demandKw * 250],
        intervalSeconds: 900,
      };
      const [bill] = rateBoth(compileTariff([v]), usage, monthPeriods(tz, '2022-07-01', 1));
      return [name, money(bill!)];
    });
    expect(Object.fromEntries(results)).toEqual({
      secondary: c.expected.secondary_usd_per_arithmetic,
      primary: c.expected.primary_usd_computed_by_us,
      transmission: c.expected.transmission_usd,
    });
    expect(c.expected.secondary_usd_as_printed).not.toBe(results[0]![1]);
  });

  describe('PGE-E1-CARE-DISCOUNT: the half-cent tie', () => {
    const c = byId('PGE-E1-CARE-DISCOUNT');
    const tz = 'America/Los_Angeles';
    const usage = concatUsage(
      [evenUsage(tz, '2003-04-01', '2003-05-01', wh(c.input.kwh as number), 3600)],
      3600,
    );
    const periods = monthPeriods(tz, '2003-04-01', 1);
    const attributes = [{ name: 'care', from: '2003-01-01' }];
    const base = readJson(`${TARIFFS}pge-e1-care.json`) as TariffVersion;
    const variant = (rounding: string, roundingLevel: string) =>
      compileTariff([parseTariffVersion({ ...base, rounding, roundingLevel })]);
    const extract = (s: string) => s.split(' ')[0];

    it('rounds the bill once (shipped tariff: half-up, bill level)', () => {
      const [bill] = rateBoth(variant('half-up', 'bill'), usage, periods, { attributes });
      expect(money(bill!)).toBe(c.expected.bill_round_once_half_up);
      const energy = bill!.lines.find((l) => l.kind === 'energy')!;
      const discount = bill!.lines.find((l) => l.kind === 'discount')!;
      expect(formatDecimal(roundTo(energy.precise, 9, 5, 'half-up'), 5)).toBe(
        c.expected.energy_exact,
      );
      expect(formatDecimal(roundTo(discount.precise, 9, 5, 'half-up'), 5)).toBe(
        `-${c.expected.discount_exact}`,
      );
      expect(bill!.lines.at(-1)!.kind).toBe('rounding');
    });
    it('per line half-up gives the other cent', () => {
      const [bill] = rateBoth(variant('half-up', 'line'), usage, periods, { attributes });
      expect(money(bill!)).toBe(extract(c.expected.bill_round_per_line_half_up as string));
    });
    it('per line half-even', () => {
      const [bill] = rateBoth(variant('half-even', 'line'), usage, periods, { attributes });
      expect(money(bill!)).toBe(extract(c.expected.bill_round_per_line_half_even as string));
    });
    it('no CARE attribute, no discount', () => {
      const [bill] = rateBoth(variant('half-up', 'bill'), usage, periods);
      expect(bill!.lines.some((l) => l.kind === 'discount')).toBe(false);
    });
  });

  it('PGE-E1-MIN-DAILY: 20 kWh over 30 days pays the minimum', () => {
    const c = byId('PGE-E1-MIN-DAILY');
    const tz = 'America/Los_Angeles';
    const v = shippedTariff('pge-e1-care.json');
    const usage = concatUsage(
      [evenUsage(tz, '2003-06-01', '2003-07-01', wh(c.input.kwh as number), 3600)],
      3600,
    );
    const [bill] = rateBoth(v, usage, [dayPeriod(tz, '2003-06-01', '2003-07-01')]);
    expect(money(bill!)).toBe(c.expected.bill_usd);
    const minimum = bill!.lines.find((l) => l.kind === 'minimum')!;
    expect(minimum.quantity).toBe(String(c.input.billing_days));
    expect(minimum.description).toContain(String(c.expected.bill_usd));
  });

  it('KILLBILL-FIXED-DAYS-PRORATION: 30-day month factors at scale 9 half-up', () => {
    const c = byId('KILLBILL-FIXED-DAYS-PRORATION');
    const inputs = c.input as unknown as { from: string; to: string }[];
    const factors = inputs.map((i) =>
      formatDecimal(roundTo(fixed30MonthFraction(i.from, i.to), 0, 9, 'half-up'), 9),
    );
    expect(factors).toEqual(c.expected.factors);
    // the same basis drives a monthly fixed charge: 10.00/month for 2023-05-23 → 2023-06-15
    const tz = 'UTC';
    const v = parseTariffVersion({
      format: 'gridbill-tariff/v1',
      tariffId: 'kb',
      versionId: 'v1',
      effectiveFrom: '2023-01-01',
      timeZone: tz,
      currency: 'USD',
      rounding: 'half-up',
      periods: ['all'],
      components: [
        {
          kind: 'fixed',
          id: 'sub',
          description: 'Subscription',
          amount: '10.00',
          per: 'month',
          monthBasis: 'fixed-30',
        },
      ],
    });
    const { periods } = rateBatch({
      versions: compileTariff([v]),
      usage: { startMs: [], wh: [], intervalSeconds: 3600 },
      periods: [dayPeriod(tz, '2023-05-23', '2023-06-15')],
    });
    expect(money(periods[0]!)).toBe('7.33');
  });
});
