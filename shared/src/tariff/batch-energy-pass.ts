import { bucketFor } from './accumulate.js';
import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { RatingDay } from './local-day.js';
import { nextDay } from './local-day.js';
import { minuteIndex } from './minute-index.js';
import type { PeriodRuns } from './period-runs.js';
import { periodRuns } from './period-runs.js';
import type { PeriodState, ScopeBucket, SegmentState } from './period-state.js';

/** Where the pass is: the local day, its table and the tier bucket (changes once a day). */
interface Pass {
  day: RatingDay;
  table: Uint8Array;
  /** the runs of `table` (looked up again only when the table changes) */
  runs: PeriodRuns;
  bucket: ScopeBucket;
  acc: { key: string; wh: number };
  scopeMonth: number;
  scopeYear: number;
}

/**
 * The running state of one pass inside a day: Wh in the scope so far (`a`), the chronological
 * tier and its upper limit (`MAX_SAFE_INTEGER` past the last one), Σ Wh of the pass (`total`).
 */
export interface Fill {
  a: number;
  tier: number;
  next: number;
  total: number;
}

/** Puts `fill` at `a` Wh on the ladder `limits` (limits [200, 400], a 250 → tier 1, next 400). */
export function fillAt(fill: Fill, limits: readonly number[], a: number): void {
  let tier = 0;
  while (tier < limits.length && a >= limits[tier]!) tier++;
  fill.a = a;
  fill.tier = tier;
  fill.next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
}

/** Moves the pass to the day of `t`; returns true when the tier bucket changed. */
function advance(
  pass: Pass,
  state: PeriodState,
  seg: SegmentState,
  v: CompiledVersion,
  e: CompiledEnergy,
  k: number,
  t: number,
): boolean {
  let day = pass.day;
  while (t >= day.endMs) day = nextDay(v, day);
  pass.day = day;
  const table = day.tables[e.schedule]!;
  if (table !== pass.table) {
    pass.table = table;
    pass.runs = periodRuns(table);
  }
  const yearly = e.tiers?.scope === 'year' && day.month === e.tiers.yearStartMonth;
  // only month and year scopes change inside a segment, and only on these days
  if (day.month === pass.scopeMonth && day.year === pass.scopeYear && !yearly) return false;
  pass.scopeMonth = day.month;
  pass.scopeYear = day.year;
  const b = bucketFor(state, seg, e, k, day);
  if (b === pass.bucket) return false;
  pass.bucket = b;
  if (e.tiers) pass.acc = state.accumulators[e.id]!;
  return true;
}

/** What one day's pass needs besides the columns: cells, ladder and charged periods. */
interface DayTarget {
  /** the bucket's cells, added to in place (a few adds per run, not per interval) */
  cells: number[];
  limits: readonly number[];
  mask: Uint8Array;
  T: number;
  chrono: boolean;
}

/**
 * The intervals [from, to) of one run of period cell `base`, chronological tiers, in time order,
 * splitting an interval at a limit (limits [200, 400], a 190, 15 Wh → 10 Wh in tier 1, 5 in 2).
 */
function splitRun(
  fill: Fill,
  d: DayTarget,
  base: number,
  whs: ArrayLike<number>,
  from: number,
  to: number,
) {
  const { cells, limits } = d;
  for (let j = from; j < to; j++) fillInterval(fill, cells, base, limits, whs[j]!);
}

/**
 * Adds one interval's `w` Wh to period cell `base` where `fill` stands on the ladder, splitting
 * it at each limit it crosses; moves `fill` on (limits [200, 400], fill at 190, 15 Wh → 10 Wh
 * in the first tier and 5 in the second; fill then at 205 in the second).
 */
export function fillInterval(
  fill: Fill,
  cells: number[],
  base: number,
  limits: readonly number[],
  w: number,
): void {
  let { a, tier, next } = fill;
  while (a + w > next) {
    const take = next - a;
    cells[base + tier] = cells[base + tier]! + take;
    a = next;
    w -= take;
    tier++;
    next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
  }
  cells[base + tier] = cells[base + tier]! + w;
  fill.a = a + w;
  fill.tier = tier;
  fill.next = next;
}

/**
 * The first index in [j, end) whose start is ≥ `bound` (starts strictly increasing, checked
 * before rating). Tries the index that regular `stepMs` spacing predicts and confirms it with
 * two reads; otherwise scans. Starts [0, 900, 1800, 2700], bound 1800, step 900 → 2.
 */
function runEnd(
  starts: ArrayLike<number>,
  j: number,
  end: number,
  bound: number,
  stepMs: number,
): number {
  if (j >= end || starts[j]! >= bound) return j;
  let k = stepMs > 0 ? j + Math.ceil((bound - starts[j]!) / stepMs) : j + 1;
  if (k > end) k = end;
  if (starts[k - 1]! < bound && (k === end || starts[k]! >= bound)) return k;
  for (k = j + 1; k < end && starts[k]! < bound; k++);
  return k;
}

/** Σ whs[from..to) with two accumulators (independent adds; exact: whole Wh below 2^53). */
function sumOf(whs: ArrayLike<number>, from: number, to: number): number {
  let even = 0;
  let odd = 0;
  let x = from;
  for (; x + 1 < to; x += 2) {
    even += whs[x]!;
    odd += whs[x + 1]!;
  }
  if (x < to) even += whs[x]!;
  return even + odd;
}

/**
 * Rates the intervals of one local day from `j` (up to `end` or the day's end) by runs of one
 * period: Σ Wh of a run in a register (no table read per interval), then added to the run's
 * cell at once; a run that crosses a chronological tier limit is split interval by interval.
 * Returns the index after the day. The same cells as `minuteIndex` + table per interval: for
 * δ ≥ m × 60 000 ms, `minuteIndex(δ)` ≥ m; a start a fraction of a ms below a run's end that
 * `minuteIndex` puts in the next minute is handed to the next run.
 */
function rateDay(
  fill: Fill,
  d: DayTarget,
  runs: PeriodRuns,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  j: number,
  end: number,
  day: RatingDay,
  stepMs: number,
): number {
  const ends = runs.endMs;
  const last = ends.length - 1;
  const dayStart = day.startMs;
  for (let r = 0; r <= last && j < end; r++) {
    const bound = r === last ? day.endMs : dayStart + ends[r]!;
    const from = j;
    j = runEnd(starts, j, end, bound, stepMs);
    let sumWh = sumOf(whs, from, j);
    // only a start within the last ms before the run's end can be in the next minute
    while (r < last && j > from && starts[j - 1]! - dayStart > ends[r]! - 1) {
      if (minuteIndex(starts[j - 1]! - dayStart) * 60_000 < ends[r]!) break;
      j--;
      sumWh -= whs[j]!;
    }
    fill.total += sumWh;
    const p = runs.period[r]!;
    if (d.mask[p] === 0 || sumWh === 0) continue;
    if (d.chrono && fill.a + sumWh > fill.next) {
      splitRun(fill, d, p * d.T, whs, from, j);
      continue;
    }
    const k = p * d.T + (d.chrono ? fill.tier : 0);
    d.cells[k] = d.cells[k]! + sumWh;
    fill.a += sumWh;
  }
  return j;
}

/**
 * The batch hot loop: one energy component over the intervals [i, end) of one segment, a day at
 * a time (`rateDay`). Adds the same integer cells as the incremental kernel interval by
 * interval. Returns Σ Wh of all the intervals.
 */
export function energyPass(
  state: PeriodState,
  seg: SegmentState,
  v: CompiledVersion,
  e: CompiledEnergy,
  k: number,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  i: number,
  end: number,
  first: RatingDay,
  stepMs: number,
): number {
  const bucket = bucketFor(state, seg, e, k, first);
  const table = first.tables[e.schedule]!;
  const pass: Pass = {
    day: first,
    table,
    runs: periodRuns(table),
    bucket,
    acc: e.tiers ? state.accumulators[e.id]! : { key: '', wh: 0 },
    scopeMonth: first.month,
    scopeYear: first.year,
  };
  const d: DayTarget = {
    cells: bucket.cells,
    limits: bucket.limitsWh,
    mask: e.chargedMask,
    T: e.tierCount,
    chrono: e.tiers?.allocation === 'chronological',
  };
  // 0.5 makes a, next and total double fields from the start: no map change (and deopt) later
  const fill: Fill = { a: 0.5, tier: 0, next: 0.5, total: 0.5 };
  fillAt(fill, bucket.limitsWh, pass.acc.wh);
  fill.total = 0;
  let j = i;
  while (j < end) {
    const t = starts[j]!;
    if (t >= pass.day.endMs) {
      pass.acc.wh = fill.a;
      if (advance(pass, state, seg, v, e, k, t)) {
        d.cells = pass.bucket.cells;
        d.limits = pass.bucket.limitsWh;
        fillAt(fill, pass.bucket.limitsWh, pass.acc.wh);
      }
    }
    j = rateDay(fill, d, pass.runs, starts, whs, j, end, pass.day, stepMs);
  }
  if (e.tiers) pass.acc.wh = fill.a;
  return fill.total;
}
