import { addDays, daysBetween, daysInMonth } from '../time/index.js';
import type { CompiledTiers, CompiledVersion } from './compile.js';
import type { RatingDay } from './local-day.js';
import { localDateKey } from './local-day.js';
import { TariffError } from './tariff-error.js';

/** Energy of one accumulator scope (month, ladder year, bill) inside one version segment. */
export interface ScopeBucket {
  key: string;
  /** energy already in the scope before this bucket (year-to-date for an annual ladder) */
  accBeforeWh: number;
  limitsWh: number[];
  /** Wh at `[period * tierCount + tier]` (proportional and untiered use tier 0 only) */
  cells: number[];
}

export interface DynamicState {
  pricedWh: number;
  /** Σ Wh × price in 1e-9 currency: `amountHi` (decimal string) + `amountLo` (< 2^52) */
  amountLo: number;
  amountHi: string;
  fallbackWh: number;
  fallbackIntervals: number;
}

export interface DemandState {
  windowStartMs: number;
  windowWh: number;
  windowPeriod: number;
  maxWh: number[];
  maxAllWh: number;
}

/** Determinants of one tariff version inside one bill period. */
export interface SegmentState {
  versionId: string;
  fromMs: number;
  toMs: number;
  wh: number;
  estimatedWh: number;
  intervals: number;
  energy: { buckets: ScopeBucket[] }[];
  dynamic: DynamicState[];
  demand: DemandState[];
}

/** Running tier accumulators carried across bill periods, by energy component id. */
export type Accumulators = Record<string, { key: string; wh: number }>;

/** Service dates for prorating tier limits: local dates, `to` exclusive. */
export interface ServiceDates {
  from?: string;
  to?: string;
}

/** Everything rating one bill period needs between intervals; plain JSON, no bigint. */
export interface PeriodState {
  fromMs: number;
  toMs: number;
  fromKey: string;
  toKey: string;
  intervalSeconds: number;
  lastStartMs: number;
  seg: number;
  segments: SegmentState[];
  accumulators: Accumulators;
  service: ServiceDates;
}

function newSegment(v: CompiledVersion, fromMs: number, toMs: number): SegmentState {
  return {
    versionId: v.versionId,
    fromMs,
    toMs,
    wh: 0,
    estimatedWh: 0,
    intervals: 0,
    energy: v.energy.map(() => ({ buckets: [] })),
    dynamic: v.dynamic.map(() => ({
      pricedWh: 0,
      amountLo: 0,
      amountHi: '0',
      fallbackWh: 0,
      fallbackIntervals: 0,
    })),
    demand: v.demand.map(() => ({
      windowStartMs: Number.NaN,
      windowWh: 0,
      windowPeriod: 0,
      maxWh: v.periods.map(() => 0),
      maxAllWh: 0,
    })),
  };
}

/** The version segments of [fromMs, toMs): one per version in effect, in time order. */
export function segmentsOf(versions: readonly CompiledVersion[], fromMs: number, toMs: number) {
  const out: SegmentState[] = [];
  for (const v of versions) {
    const a = Math.max(fromMs, v.fromMs);
    const b = Math.min(toMs, v.toMs);
    if (b > a) out.push(newSegment(v, a, b));
  }
  return out;
}

/** Opens a bill period [fromMs, toMs) with the accumulators carried from the previous one. */
export function openPeriod(
  versions: readonly CompiledVersion[],
  fromMs: number,
  toMs: number,
  intervalSeconds: number,
  carry: Accumulators = {},
  service: ServiceDates = {},
): PeriodState {
  const tz = versions[0]?.timeZone;
  if (!tz) throw new TariffError('versions', 'no tariff version given');
  if (!(toMs > fromMs)) throw new TariffError('period', 'end must be after start');
  const segments = segmentsOf(versions, fromMs, toMs);
  if (segments.length === 0) throw new TariffError('period', 'no tariff version in effect');
  const accumulators: Accumulators = {};
  for (const [k, a] of Object.entries(carry)) accumulators[k] = { key: a.key, wh: a.wh };
  return {
    fromMs,
    toMs,
    fromKey: localDateKey(tz, fromMs),
    toKey: localDateKey(tz, toMs),
    intervalSeconds,
    lastStartMs: Number.NEGATIVE_INFINITY,
    seg: 0,
    segments,
    accumulators,
    service,
  };
}

/** A tier accumulator scope: its key and local date range [startKey, endKey). */
export interface Scope {
  key: string;
  startKey: string;
  endKey: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `scopeOf({ scope: 'month' }, day 2024-02-10)` →
 * `{ key: 'M2024-02', startKey: '2024-02-01', endKey: '2024-03-01' }`.
 */
export function scopeOf(t: CompiledTiers | undefined, day: RatingDay, state: PeriodState): Scope {
  if (!t) return { key: '', startKey: state.fromKey, endKey: state.toKey };
  if (t.scope === 'bill')
    return { key: `B${state.fromKey}`, startKey: state.fromKey, endKey: state.toKey };
  let byTiers = scopeCache.get(day);
  if (!byTiers) scopeCache.set(day, (byTiers = new Map()));
  let scope = byTiers.get(t);
  if (!scope) byTiers.set(t, (scope = calendarScope(t, day)));
  return scope;
}

const scopeCache = new WeakMap<RatingDay, Map<CompiledTiers, Scope>>();

function calendarScope(t: CompiledTiers, day: RatingDay): Scope {
  if (t.scope === 'month') {
    const startKey = `${day.year}-${pad(day.month)}-01`;
    const endKey = addDays(startKey, daysInMonth(day.year, day.month));
    return { key: `M${day.year}-${pad(day.month)}`, startKey, endKey };
  }
  if (t.scope === 'year') {
    const md = day.month * 100 + day.day;
    const y = md >= t.yearStartMonth * 100 + t.yearStartDay ? day.year : day.year - 1;
    const startKey = `${y}-${pad(t.yearStartMonth)}-${pad(t.yearStartDay)}`;
    const endKey = `${y + 1}-${pad(t.yearStartMonth)}-${pad(t.yearStartDay)}`;
    return { key: `Y${startKey}`, startKey, endKey };
  }
  throw new TariffError('tiers.scope', `unknown scope "${t.scope}"`);
}

function overlapDays(aFrom: string, aTo: string, bFrom?: string, bTo?: string): number {
  const from = bFrom && bFrom > aFrom ? bFrom : aFrom;
  const to = bTo && bTo < aTo ? bTo : aTo;
  return to > from ? daysBetween(from, to) : 0;
}

/**
 * Tier limits for one scope: "kWh daily" limits × days in the scope (SAM: days in the calendar
 * month); with `proration: 'days'` × served days / scope days, rounded half-up to whole Wh.
 */
export function limitsFor(t: CompiledTiers | undefined, scope: Scope, state: PeriodState) {
  if (!t) return [];
  if (t.proration === 'days') return scopeLimits(t, scope, state);
  // without proration the limits depend on the scope's dates only: built once per scope
  let byTiers = limitCache.get(scope);
  if (!byTiers) limitCache.set(scope, (byTiers = new Map()));
  let limits = byTiers.get(t);
  if (!limits) byTiers.set(t, (limits = scopeLimits(t, scope, state)));
  return limits.slice();
}

const limitCache = new WeakMap<Scope, Map<CompiledTiers, number[]>>();

function scopeLimits(t: CompiledTiers, scope: Scope, state: PeriodState): number[] {
  const scopeDays = daysBetween(scope.startKey, scope.endKey);
  const served =
    t.proration === 'days'
      ? overlapDays(scope.startKey, scope.endKey, state.service.from, state.service.to)
      : scopeDays;
  return t.limitsWh.map((l) => {
    if (t.daily) return l * served;
    if (served === scopeDays) return l;
    return Math.floor((2 * l * served + scopeDays) / (2 * scopeDays));
  });
}
