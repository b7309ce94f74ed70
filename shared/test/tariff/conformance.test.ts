import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../../src/money/index.js';
import type { BillPeriod, CompiledVersion, UsageSeries } from '../../src/tariff/index.js';
import {
  compileTariff,
  createIncrementalRater,
  parseTariffVersion,
  rateBatch,
} from '../../src/tariff/index.js';
import { sum } from '../../src/tariff/rational.js';
import { addDays, localMidnightUtcMs } from '../../src/time/index.js';
import { rateIncremental } from './helpers.js';

/**
 * Conformance: the batch and the incremental driver must give identical lines. The reference
 * and calendar suites already rate every case with both drivers (`rateBoth`); this module
 * adds random tariffs × random usage series.
 */
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Shanghai', 'Australia/Lord_Howe'];
const PERIODS = ['a', 'b', 'c', 'd'];

const price = fc.integer({ min: 0, max: 900_000 }).map((n) => formatDecimal(BigInt(n), 6));
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => {
  const m = q * 15;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
});

function windows(periodCount: number) {
  return fc.array(
    fc.record({ from: hhmm, to: hhmm, period: fc.constantFrom(...PERIODS.slice(0, periodCount)) }),
    { maxLength: 3 },
  );
}

function tiers() {
  return fc
    .integer({ min: 1, max: 3 })
    .chain((n) =>
      fc.record({
        scope: fc.constantFrom('bill', 'month', 'year'),
        limitsKwh: fc
          .uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: n, maxLength: n })
          .map((xs) => xs.sort((x, y) => x - y).map(String)),
        limitUnit: fc.constantFrom('kWh', 'kWh-daily'),
        proration: fc.constantFrom('none', 'days'),
        allocation: fc.constantFrom('proportional', 'chronological'),
        adders: fc.array(price, { minLength: n + 1, maxLength: n + 1 }),
        replace: fc.boolean(),
      }),
    )
    .map(({ replace, adders, ...t }) =>
      replace
        ? { ...t, tierRates: adders.map((a, k) => ({ '*': a, ...(k === 1 ? { a: '0.5' } : {}) })) }
        : { ...t, adders },
    );
}

const component = (periodCount: number) =>
  fc
    .oneof(
      fc.record({
        kind: fc.constant('fixed'),
        amount: price,
        per: fc.constantFrom('day', 'month', 'bill'),
        monthBasis: fc.constantFrom('calendar', 'fixed-30'),
      }),
      fc.record({
        kind: fc.constant('demand'),
        windowMinutes: fc.constantFrom(15, 30, 60),
        rates: fc.constant({
          '*': [{ upToKw: '2', rate: '3.5' }, { rate: '1.25' }],
          a: [{ rate: '2' }],
        }),
      }),
      fc.record({
        kind: fc.constant('dynamic'),
        stepSeconds: fc.constantFrom(1800, 3600),
        prices: fc.array(price, { minLength: 1, maxLength: 48 }),
        fallbackRate: price,
      }),
      fc.record({
        kind: fc.constant('minimum'),
        amount: price,
        per: fc.constantFrom('day', 'month'),
      }),
      fc.record({
        kind: fc.constant('discount'),
        type: fc.constantFrom('percent-of-energy', 'percent-of-total', 'per-kwh', 'free-kwh'),
        percent: fc.constantFrom('5', '34.8'),
        ratePerKwh: fc.constantFrom('0.01', '0.2'),
        kwhPerMonth: fc.constantFrom('10', '50'),
        eligibility: fc.constantFrom(undefined, 'care'),
      }),
      fc.record({ kind: fc.constant('tax'), percent: fc.constantFrom('5', '13', '20') }),
    )
    .map((c) => ({ ...c, periodCount }));

/** Random tariff × usage scenarios of up to `maxCount` intervals and `maxCuts` period cuts. */
const scenarioOf = (maxCount: number, maxCuts: number) =>
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      day: fc.integer({ min: 0, max: 3 * 365 }),
      periodCount: fc.integer({ min: 1, max: 4 }),
      intervalSeconds: fc.constantFrom(900, 1800, 3600),
      count: fc.integer({ min: 1, max: maxCount }),
      rounding: fc.constantFrom('half-up', 'half-even', 'down', 'up'),
      roundingLevel: fc.constantFrom('line', 'bill'),
      splitVersion: fc.boolean(),
      splits: fc.array(fc.integer({ min: 1, max: maxCount - 1 }), { maxLength: maxCuts }),
    })
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        weekday: windows(s.periodCount),
        weekend: windows(s.periodCount),
        rates: fc.array(price, { minLength: s.periodCount, maxLength: s.periodCount }),
        rates2: fc.array(price, { minLength: s.periodCount, maxLength: s.periodCount }),
        tiers: fc.option(tiers(), { nil: undefined }),
        extras: fc.array(component(s.periodCount), { maxLength: 4 }),
        wh: fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: s.count, maxLength: s.count }),
        gaps: fc.array(fc.boolean(), { minLength: s.count, maxLength: s.count }),
        quality: fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: s.count, maxLength: s.count }),
      }),
    );

const scenario = scenarioOf(72, 2);
/** Long series: months of 15-min to hourly intervals, monthly-ish bills, tier limits crossed. */
const longScenario = scenarioOf(6000, 14);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildComponents(x: Scenario, rates: string[]) {
  const periods = PERIODS.slice(0, x.s.periodCount);
  const energy = {
    kind: 'energy',
    id: 'energy',
    description: 'Energy',
    rates: Object.fromEntries(periods.map((p, i) => [p, rates[i]!])),
    ...(x.tiers ? { tiers: x.tiers } : {}),
  };
  const extras = x.extras.map((c, i): Record<string, unknown> => {
    const { periodCount: _, ...rest } = c as Record<string, unknown>;
    const id = `c${i}`;
    if (rest.kind === 'dynamic') {
      const { prices, ...d } = rest as { prices: string[]; kind: string };
      const start = new Date(localMidnightUtcMs(dateKey(x.s.day), x.s.zone)).toISOString();
      return { ...d, id, description: 'Dynamic', series: [{ start, prices }] };
    }
    if (rest.kind === 'discount' && rest.eligibility === undefined) delete rest.eligibility;
    return { ...rest, id, description: `Component ${i}` };
  });
  const base = extras.filter((c) => !['minimum', 'discount', 'tax'].includes(String(c.kind)));
  const after = extras.filter((c) => ['minimum', 'discount', 'tax'].includes(String(c.kind)));
  return [energy, ...base, ...after];
}

const dateKey = (day: number) => addDays('2023-01-01', day);

function build(x: Scenario): {
  versions: CompiledVersion[];
  usage: UsageSeries;
  periods: BillPeriod[];
} {
  const { s } = x;
  const startMs = localMidnightUtcMs(dateKey(s.day), s.zone);
  const step = s.intervalSeconds * 1000;
  const starts: number[] = [];
  const whs: number[] = [];
  const quality: number[] = [];
  for (let i = 0; i < s.count; i++) {
    if (x.gaps[i] && i % 3 === 0) continue;
    starts.push(startMs + i * step);
    whs.push(x.wh[i]!);
    quality.push(x.quality[i]!);
  }
  const endMs = startMs + s.count * step;
  const cuts = [...new Set(s.splits.filter((c) => c < s.count))].sort((a, b) => a - b);
  const bounds = [startMs, ...cuts.map((c) => startMs + c * step), endMs];
  const periods = bounds.slice(1).map((to, i) => ({ fromMs: bounds[i]!, toMs: to }));
  const common = {
    format: 'gridbill-tariff/v1',
    tariffId: 'random',
    timeZone: s.zone,
    currency: 'USD',
    rounding: s.rounding,
    roundingLevel: s.roundingLevel,
    periods: PERIODS.slice(0, s.periodCount),
    schedules: {
      default: {
        defaultPeriod: 'a',
        seasons: [{ id: 'all', weekday: x.weekday, weekend: x.weekend }],
      },
    },
    holidays: { id: 'h', dates: [dateKey(s.day + 1)] },
  };
  const mid = new Date(startMs + Math.floor(s.count / 2) * step).toISOString();
  const docs = s.splitVersion
    ? [
        { ...common, versionId: 'v1', effectiveFrom: '2022-01-01', effectiveTo: mid },
        { ...common, versionId: 'v2', effectiveFrom: mid },
      ]
    : [{ ...common, versionId: 'v1', effectiveFrom: '2022-01-01' }];
  const versions = compileTariff(
    docs.map((d, i) =>
      parseTariffVersion({ ...d, components: buildComponents(x, i === 0 ? x.rates : x.rates2) }),
    ),
  );
  const usage = { startMs: starts, wh: whs, quality, intervalSeconds: s.intervalSeconds };
  return { versions, usage, periods };
}

const canonical = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));

const options = {
  attributes: [{ name: 'care', from: '2023-06-01' }],
  service: { from: '2023-02-10' },
};

describe('conformance: batch and incremental drivers give identical lines', () => {
  it('10,000 random tariffs × usage series', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const { versions, usage, periods } = build(x);
        const batch = rateBatch({ versions, usage, periods, ...options }).periods;
        const incremental = rateIncremental(versions, usage, periods, options);
        // cheap exact comparison first; the structural diff only when they differ
        if (canonical(incremental) !== canonical(batch)) expect(incremental).toEqual(batch);
      }),
      { numRuns: 10_000, seed: 20261128 },
    );
  }, 240_000);

  it('long series with typed columns (tier limits crossed inside days, many bills)', () => {
    fc.assert(
      fc.property(longScenario, (x) => {
        const { versions, usage, periods } = build(x);
        const batch = rateBatch({ versions, usage, periods, ...options }).periods;
        const typed = {
          ...usage,
          startMs: Float64Array.from(usage.startMs),
          wh: Int32Array.from(usage.wh),
        };
        const typedBatch = rateBatch({ versions, usage: typed, periods, ...options }).periods;
        const incremental = rateIncremental(versions, usage, periods, options);
        if (canonical(incremental) !== canonical(batch)) expect(incremental).toEqual(batch);
        if (canonical(typedBatch) !== canonical(batch)) expect(typedBatch).toEqual(batch);
        // a declared interval length that is not the spacing of the starts
        const declared = { ...usage, intervalSeconds: 300 };
        const declaredBatch = rateBatch({ versions, usage: declared, periods, ...options }).periods;
        const declaredInc = rateIncremental(versions, declared, periods, options);
        if (canonical(declaredInc) !== canonical(declaredBatch)) {
          expect(declaredInc).toEqual(declaredBatch);
        }
      }),
      { numRuns: 150, seed: 3 },
    );
  }, 120_000);

  it('starts that are not whole ms (some just below a minute boundary)', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom(0.25, 0.5, 59_999.75), (x, shiftMs) => {
        const { versions, usage, periods } = build(x);
        const shifted = { ...usage, startMs: Array.from(usage.startMs, (t) => t + shiftMs) };
        const batch = rateBatch({ versions, usage: shifted, periods, ...options }).periods;
        const incremental = rateIncremental(versions, shifted, periods, options);
        if (canonical(incremental) !== canonical(batch)) expect(incremental).toEqual(batch);
      }),
      { numRuns: 1_000, seed: 11 },
    );
  }, 60_000);

  it('interval charges add up to the energy lines when tiers settle chronologically', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        if (x.tiers?.allocation === 'proportional') return;
        const { versions, usage, periods } = build(x);
        const period = periods[0]!;
        const charged = rateBatch({ versions, usage, periods: [period], ...options }).periods[0]!;
        const lines = charged.lines.filter((l) => l.kind === 'energy' || l.kind === 'dynamic');
        const precise = sum(lines.map((l) => l.precise));
        let nano = 0n;
        const inc = createRater(versions, usage.intervalSeconds);
        const state = inc.open(period.fromMs, period.toMs);
        for (let i = 0; i < usage.startMs.length; i++) {
          const t = usage.startMs[i]!;
          if (t < period.fromMs || t >= period.toMs) continue;
          nano += BigInt(inc.step(state, t, usage.wh[i]!));
        }
        expect(precise.d === 1n ? precise.n : precise).toBe(nano);
      }),
      { numRuns: 1_000, seed: 7 },
    );
  }, 60_000);
});

function createRater(versions: readonly CompiledVersion[], intervalSeconds: number) {
  return createIncrementalRater({
    versions,
    meterId: 'm',
    intervalSeconds,
    service: options.service,
  });
}
