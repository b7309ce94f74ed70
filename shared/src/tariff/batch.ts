import type { PeriodResult } from './bill-line.js';
import type { Cursor } from './accumulate.js';
import { addDemand, addDynamic, bucketFor, locate, newCursor } from './accumulate.js';
import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { AccountAttribute } from './day-count.js';
import { energyPass, fillAt, fillInterval } from './batch-energy-pass.js';
import { closePeriod } from './close-period.js';
import { minuteIndex } from './minute-index.js';
import type { Accumulators, PeriodState, ScopeBucket, ServiceDates } from './period-state.js';
import { openPeriod } from './period-state.js';
import { TariffError } from './tariff-error.js';

/**
 * Interval usage as columns: start instants (UTC ms, increasing), whole Wh, quality
 * (0 = actual, anything else = estimated or substituted).
 */
export interface UsageSeries {
  startMs: ArrayLike<number>;
  wh: ArrayLike<number>;
  quality?: ArrayLike<number>;
  intervalSeconds: number;
}

export interface BillPeriod {
  fromMs: number;
  toMs: number;
}

export interface BatchRequest {
  versions: readonly CompiledVersion[];
  usage: UsageSeries;
  periods: readonly BillPeriod[];
  carry?: Accumulators;
  service?: ServiceDates;
  attributes?: readonly AccountAttribute[];
}

/** Untiered or proportional: Wh per period cell of the run [i, end). */
function runSimple(
  e: CompiledEnergy,
  b: ScopeBucket,
  table: Uint8Array,
  u: UsageSeries,
  dayStart: number,
  i: number,
  end: number,
) {
  const T = e.tierCount;
  const cells = b.cells;
  const starts = u.startMs;
  const whs = u.wh;
  const mask = e.chargedMask;
  let total = 0;
  for (let j = i; j < end; j++) {
    const w = whs[j]!;
    const p = table[minuteIndex(starts[j]! - dayStart)]!;
    if (mask[p] === 0) continue;
    const k = p * T;
    cells[k] = cells[k]! + w;
    total += w;
  }
  return total;
}

/** Chronological tiers: fills tiers in time order across the run. */
function runChronological(
  e: CompiledEnergy,
  b: ScopeBucket,
  acc: { wh: number },
  table: Uint8Array,
  u: UsageSeries,
  dayStart: number,
  i: number,
  end: number,
) {
  const T = e.tierCount;
  const fill = { a: 0, tier: 0, next: 0, total: 0 };
  fillAt(fill, b.limitsWh, acc.wh);
  for (let j = i; j < end; j++) {
    const p = table[minuteIndex(u.startMs[j]! - dayStart)]!;
    if (e.chargedMask[p] === 0) continue;
    fillInterval(fill, b.cells, p * T, b.limitsWh, u.wh[j]!);
  }
  acc.wh = fill.a;
}

/** Throws the error for the interval `j` (the first that fails the check), or returns. */
function rejectAt(u: UsageSeries, j: number, integral: boolean): void {
  const w = u.wh[j]!;
  if (w < 0 || (!integral && !Number.isSafeInteger(w))) {
    throw new TariffError(`usage[${j}].wh`, `expected a whole non-negative Wh count, got ${w}`);
  }
  if (j > 0 && !(u.startMs[j]! > u.startMs[j - 1]!)) {
    throw new TariffError(`usage[${j}].start`, 'intervals must be in increasing time order');
  }
}

/** The first interval in [1, n) whose start is not after the previous one or whose Wh < 0. */
function firstUnordered(starts: ArrayLike<number>, whs: ArrayLike<number>, n: number): number {
  let prev = starts[0]!;
  for (let j = 1; j < n; j++) {
    const t = starts[j]!;
    if (!(t > prev) || whs[j]! < 0) return j;
    prev = t;
  }
  return -1;
}

/** The first interval in [0, n) whose Wh is not a safe integer (plain arrays only). */
function firstNotWhole(whs: ArrayLike<number>, n: number): number {
  for (let j = 0; j < n; j++) if (!Number.isSafeInteger(whs[j]!)) return j;
  return -1;
}

/**
 * One pass over the whole series (two for plain arrays): whole non-negative Wh, strictly
 * increasing starts; `rejectAt` words the error for the first failing interval.
 */
function checkSeries(u: UsageSeries): void {
  const whs = u.wh;
  const n = u.startMs.length;
  if (n === 0) return;
  const integral = whs instanceof Int32Array || whs instanceof Uint32Array;
  let bad = whs[0]! < 0 ? 0 : firstUnordered(u.startMs, whs, n);
  if (!integral) {
    const notWhole = firstNotWhole(whs, bad < 0 ? n : bad);
    if (notWhole >= 0) bad = notWhole;
  }
  if (bad >= 0) rejectAt(u, bad, integral);
}

/** The first index in [lo, n) whose start is ≥ `stop` (starts are increasing). */
function firstAtOrAfter(starts: ArrayLike<number>, lo: number, n: number, stop: number): number {
  let a = lo;
  let b = n;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (starts[mid]! < stop) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** Σ Wh and Σ Wh of non-actual quality over [i, end). */
function runTotals(u: UsageSeries, i: number, end: number): [number, number] {
  let total = 0;
  let estimated = 0;
  const q = u.quality;
  for (let j = i; j < end; j++) {
    total += u.wh[j]!;
    if (q && q[j] !== 0) estimated += u.wh[j]!;
  }
  return [total, estimated];
}

/** Rates the run of intervals [i, end) that share one segment and one local day. */
function rateRun(
  state: PeriodState,
  v: CompiledVersion,
  cursor: Cursor,
  u: UsageSeries,
  i: number,
  end: number,
) {
  const seg = cursor.seg!;
  const day = cursor.day!;
  for (let k = 0; k < v.energy.length; k++) {
    const e = v.energy[k]!;
    const b = bucketFor(state, seg, e, k, day);
    const table = day.tables[e.schedule]!;
    if (e.tiers?.allocation === 'chronological') {
      runChronological(e, b, state.accumulators[e.id]!, table, u, day.startMs, i, end);
    } else {
      const total = runSimple(e, b, table, u, day.startMs, i, end);
      if (e.tiers) state.accumulators[e.id]!.wh += total;
    }
  }
  if (v.dynamic.length > 0 || v.demand.length > 0) {
    for (let j = i; j < end; j++) {
      const w = u.wh[j]!;
      const t = u.startMs[j]!;
      for (let k = 0; k < v.dynamic.length; k++) addDynamic(v.dynamic[k]!, seg.dynamic[k]!, t, w);
      const minute = minuteIndex(t - day.startMs);
      for (let k = 0; k < v.demand.length; k++) {
        addDemand(v.demand[k]!, seg.demand[k]!, day, minute, t, w, state.intervalSeconds);
      }
    }
  }
  const [total, estimated] = runTotals(u, i, end);
  seg.wh += total;
  seg.estimatedWh += estimated;
  seg.intervals += end - i;
  state.lastStartMs = u.startMs[end - 1]!;
}

function ratePeriodRuns(
  state: PeriodState,
  versions: readonly CompiledVersion[],
  u: UsageSeries,
  i: number,
  n: number,
) {
  const cursor = newCursor();
  while (i < n && u.startMs[i]! < state.toMs) {
    if (u.startMs[i]! < state.fromMs) {
      i++;
      continue;
    }
    locate(state, versions, cursor, u.startMs[i]!);
    const v = cursor.version!;
    if (v.dynamic.length === 0 && v.demand.length === 0) {
      i = rateSegment(state, v, cursor, u, i, n);
      continue;
    }
    const stop = Math.min(cursor.day!.endMs, cursor.seg!.toMs, state.toMs);
    const end = firstAtOrAfter(u.startMs, i + 1, n, stop);
    rateRun(state, v, cursor, u, i, end);
    i = end;
  }
  return i;
}

/** Energy-only versions: the whole segment in one pass per component. */
function rateSegment(
  state: PeriodState,
  v: CompiledVersion,
  cursor: Cursor,
  u: UsageSeries,
  i: number,
  n: number,
) {
  const seg = cursor.seg!;
  const end = firstAtOrAfter(u.startMs, i + 1, n, Math.min(seg.toMs, state.toMs));
  let passTotal = -1;
  for (let k = 0; k < v.energy.length; k++) {
    const e = v.energy[k]!;
    const step = u.intervalSeconds * 1000;
    passTotal = energyPass(state, seg, v, e, k, u.startMs, u.wh, i, end, cursor.day!, step);
  }
  if (passTotal >= 0 && !u.quality) seg.wh += passTotal;
  else {
    const [total, estimated] = runTotals(u, i, end);
    seg.wh += total;
    seg.estimatedWh += estimated;
  }
  seg.intervals += end - i;
  state.lastStartMs = u.startMs[end - 1]!;
  cursor.day = undefined;
  return end;
}

/**
 * The central driver: rates a whole usage series into bill periods. Intervals outside every
 * period are ignored; tier accumulators carry from one period to the next (annual ladders).
 */
export function rateBatch(req: BatchRequest): { periods: PeriodResult[]; carry: Accumulators } {
  const u = req.usage;
  const n = u.startMs.length;
  if (u.wh.length !== n) throw new TariffError('usage', 'startMs and wh differ in length');
  checkSeries(u);
  let carry = req.carry ?? {};
  let i = 0;
  const out: PeriodResult[] = [];
  for (const p of req.periods) {
    const state = openPeriod(req.versions, p.fromMs, p.toMs, u.intervalSeconds, carry, req.service);
    while (i < n && u.startMs[i]! < p.fromMs) i++;
    i = ratePeriodRuns(state, req.versions, u, i, n);
    const closed = closePeriod(state, req.versions, req.attributes ?? []);
    out.push(closed.result);
    carry = closed.carry;
  }
  return { periods: out, carry };
}
