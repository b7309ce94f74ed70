import type {
  CompiledDemand,
  CompiledDynamic,
  CompiledEnergy,
  CompiledVersion,
} from './compile.js';
import type { RatingDay } from './local-day.js';
import { nextDay, ratingDayAt } from './local-day.js';
import { minuteIndex } from './minute-index.js';
import type {
  DemandState,
  DynamicState,
  PeriodState,
  ScopeBucket,
  SegmentState,
} from './period-state.js';
import { limitsFor, scopeOf } from './period-state.js';
import { TariffError } from './tariff-error.js';

const LO_LIMIT = 2 ** 52;

/** Where the kernel is: resolved version and local day (not persisted; rebuilt on demand). */
export interface Cursor {
  state: PeriodState | undefined;
  seg: SegmentState | undefined;
  version: CompiledVersion | undefined;
  day: RatingDay | undefined;
  /** the current scope bucket per energy component, valid for `seg` and `day` */
  buckets: (ScopeBucket | undefined)[];
}

export function newCursor(): Cursor {
  return { state: undefined, seg: undefined, version: undefined, day: undefined, buckets: [] };
}

function findVersion(versions: readonly CompiledVersion[], id: string): CompiledVersion {
  const v = versions.find((x) => x.versionId === id);
  if (!v) throw new TariffError('versions', `version "${id}" is not loaded`);
  return v;
}

/** The day of `startMs`, walking forward from `from` when it is close (no Intl call). */
function dayAfter(v: CompiledVersion, from: RatingDay | undefined, startMs: number): RatingDay {
  let day = from;
  for (let k = 0; day && k < 3 && startMs >= day.startMs; k++) {
    if (startMs < day.endMs) return day;
    day = nextDay(v, day);
  }
  return day && startMs >= day.startMs && startMs < day.endMs ? day : ratingDayAt(v, startMs);
}

/** Moves the cursor to the segment and local day of `startMs` (checks order and bounds). */
export function locate(
  state: PeriodState,
  versions: readonly CompiledVersion[],
  cursor: Cursor,
  startMs: number,
): SegmentState {
  if (!(startMs >= state.fromMs && startMs < state.toMs)) {
    throw new TariffError(
      'interval',
      `start ${new Date(startMs).toISOString()} is outside the period`,
    );
  }
  if (!(startMs > state.lastStartMs)) {
    throw new TariffError(
      'interval',
      `start ${new Date(startMs).toISOString()} is not after the previous interval`,
    );
  }
  if (cursor.state !== state) {
    cursor.state = state;
    cursor.version = undefined;
    cursor.seg = undefined;
  }
  let seg = state.segments[state.seg]!;
  while (startMs >= seg.toMs) {
    if (seg.demand.length > 0) flushDemand(seg);
    seg = state.segments[++state.seg]!;
    if (!seg) throw new TariffError('interval', 'no version segment');
  }
  if (startMs < seg.fromMs) {
    throw new TariffError(
      'interval',
      `no tariff version in effect at ${new Date(startMs).toISOString()}`,
    );
  }
  if (cursor.seg !== seg) {
    cursor.seg = seg;
    cursor.version = findVersion(versions, seg.versionId);
    cursor.day = undefined;
  }
  const day = cursor.day;
  if (!day || startMs < day.startMs || startMs >= day.endMs) {
    cursor.day = dayAfter(cursor.version!, day, startMs);
    cursor.buckets = [];
  }
  state.lastStartMs = startMs;
  return seg;
}

/** `zeros(3)` → [0, 0, 0] (a packed array; `Array.from` with a callback is slower). */
function zeros(length: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < length; k++) out.push(0);
  return out;
}

/** The bucket of the scope containing `day` (opens one, carrying the accumulator, if new). */
export function bucketFor(
  state: PeriodState,
  seg: SegmentState,
  e: CompiledEnergy,
  i: number,
  day: RatingDay,
): ScopeBucket {
  const buckets = seg.energy[i]!.buckets;
  const last = buckets[buckets.length - 1];
  const t = e.tiers;
  const scope = scopeOf(t, day, state);
  if (last && last.key === scope.key) return last;
  let acc = state.accumulators[e.id];
  if (t && (!acc || acc.key !== scope.key)) {
    acc = { key: scope.key, wh: 0 };
    state.accumulators[e.id] = acc;
  }
  const bucket: ScopeBucket = {
    key: scope.key,
    accBeforeWh: acc?.wh ?? 0,
    limitsWh: limitsFor(t, scope, state),
    cells: zeros(e.prices.length),
  };
  buckets.push(bucket);
  return bucket;
}

/** Adds one interval's Wh to an energy component; returns its charge in 1e-9 currency. */
function addEnergy(
  state: PeriodState,
  cursor: Cursor,
  e: CompiledEnergy,
  i: number,
  minute: number,
  wh: number,
) {
  const day = cursor.day!;
  const p = day.tables[e.schedule]![minute]!;
  if (e.chargedMask[p] === 0) return 0;
  const bucket =
    cursor.buckets[i] ?? (cursor.buckets[i] = bucketFor(state, cursor.seg!, e, i, day));
  const T = e.tierCount;
  const base = p * T;
  const t = e.tiers;
  if (!t) {
    bucket.cells[base] = bucket.cells[base]! + wh;
    return wh * e.prices[base]!;
  }
  const acc = state.accumulators[e.id]!;
  const limits = bucket.limitsWh;
  let tier = 0;
  while (tier < limits.length && acc.wh >= limits[tier]!) tier++;
  if (t.allocation === 'proportional') {
    bucket.cells[base] = bucket.cells[base]! + wh;
    acc.wh += wh;
    return wh * e.prices[base + tier]!;
  }
  let rest = wh;
  let charge = 0;
  while (rest > 0) {
    const room = tier < limits.length ? limits[tier]! - acc.wh : rest;
    const take = Math.min(room, rest);
    bucket.cells[base + tier] = bucket.cells[base + tier]! + take;
    charge += take * e.prices[base + tier]!;
    acc.wh += take;
    rest -= take;
    tier++;
  }
  return charge;
}

export function addDynamic(d: CompiledDynamic, s: DynamicState, startMs: number, wh: number) {
  const offset = (((startMs - d.anchorMs) % d.stepMs) + d.stepMs) % d.stepMs;
  const price = d.prices.get(startMs - offset);
  if (price === undefined) {
    s.fallbackWh += wh;
    s.fallbackIntervals++;
    return wh * d.fallback;
  }
  s.pricedWh += wh;
  const amount = wh * price;
  s.amountLo += amount;
  if (s.amountLo >= LO_LIMIT || s.amountLo <= -LO_LIMIT) {
    s.amountHi = (BigInt(s.amountHi) + BigInt(s.amountLo)).toString();
    s.amountLo = 0;
  }
  return amount;
}

/** Closes the open demand window of every demand component of the segment. */
export function flushDemand(seg: SegmentState): void {
  for (const s of seg.demand) {
    if (Number.isNaN(s.windowStartMs)) continue;
    const p = s.windowPeriod;
    if (s.windowWh > s.maxWh[p]!) s.maxWh[p] = s.windowWh;
    if (s.windowWh > s.maxAllWh) s.maxAllWh = s.windowWh;
    s.windowStartMs = Number.NaN;
    s.windowWh = 0;
  }
}

export function addDemand(
  d: CompiledDemand,
  s: DemandState,
  day: RatingDay,
  minute: number,
  startMs: number,
  wh: number,
  intervalSeconds: number,
) {
  const windowMs = Math.max(d.windowSeconds, intervalSeconds) * 1000;
  const windowStart = startMs - (((startMs % windowMs) + windowMs) % windowMs);
  if (windowStart !== s.windowStartMs) {
    if (!Number.isNaN(s.windowStartMs)) {
      const p = s.windowPeriod;
      if (s.windowWh > s.maxWh[p]!) s.maxWh[p] = s.windowWh;
      if (s.windowWh > s.maxAllWh) s.maxAllWh = s.windowWh;
    }
    s.windowStartMs = windowStart;
    s.windowWh = 0;
    s.windowPeriod = day.tables[d.schedule]![minute]!;
  }
  s.windowWh += wh;
}

/**
 * The kernel: adds one interval (start, Wh, quality 0 = actual) to the period determinants and
 * returns the interval's energy charge in 1e-9 currency (exact for untiered and chronological
 * tiers; at the marginal tier price for proportional tiers, which settle at period close).
 */
export function accumulate(
  state: PeriodState,
  versions: readonly CompiledVersion[],
  cursor: Cursor,
  startMs: number,
  wh: number,
  quality: number,
): number {
  if (!Number.isSafeInteger(wh) || wh < 0) {
    throw new TariffError('interval.wh', `expected a whole non-negative Wh count, got ${wh}`);
  }
  const seg = locate(state, versions, cursor, startMs);
  const v = cursor.version!;
  const day = cursor.day!;
  const minute = minuteIndex(startMs - day.startMs);
  let charge = 0;
  for (let i = 0; i < v.energy.length; i++) {
    charge += addEnergy(state, cursor, v.energy[i]!, i, minute, wh);
  }
  for (let i = 0; i < v.dynamic.length; i++) {
    charge += addDynamic(v.dynamic[i]!, seg.dynamic[i]!, startMs, wh);
  }
  for (let i = 0; i < v.demand.length; i++) {
    addDemand(v.demand[i]!, seg.demand[i]!, day, minute, startMs, wh, state.intervalSeconds);
  }
  seg.wh += wh;
  if (quality !== 0) seg.estimatedWh += wh;
  seg.intervals++;
  return charge;
}
