import { bucketFor } from './accumulate.js';
import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { RatingDay } from './local-day.js';
import { nextDay } from './local-day.js';
import { minuteIndex, PER_MINUTE } from './minute-index.js';
import type { PeriodRuns } from './period-runs.js';
import { periodRuns } from './period-runs.js';
import type { PeriodState, ScopeBucket, SegmentState } from './period-state.js';

/** Where the pass is: the local day, its table and the tier bucket (changes once a day). */
interface Pass {
  day: RatingDay;
  table: Uint8Array;
  bucket: ScopeBucket;
  acc: { key: string; wh: number };
  scopeMonth: number;
  scopeYear: number;
}

/**
 * The running state of one pass inside a day: Wh in the scope so far (`a`), the chronological
 * tier and its upper limit (`MAX_SAFE_INTEGER` past the last one), Σ Wh of the pass (`total`).
 */
interface Fill {
  a: number;
  tier: number;
  next: number;
  total: number;
}

/** Puts `fill` at `a` Wh on the ladder `limits` (limits [200, 400], a 250 → tier 1, next 400). */
function fillAt(fill: Fill, limits: readonly number[], a: number): void {
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
  pass.table = day.tables[e.schedule]!;
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

/**
 * Σ Wh per period of the intervals of one local day, from `j` up to `end` or the day's end;
 * returns the index after the day. `dayWh` must be zero on entry. Periods of the table
 * [0, 1, 1] and Wh [5, 7, 9] at minutes 0, 1, 2 → dayWh [5, 16].
 */
function sumDay(
  dayWh: Float64Array,
  table: Uint8Array,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  j: number,
  end: number,
  dayStart: number,
  dayEnd: number,
): number {
  const perMinute = PER_MINUTE; // a local, not a module binding checked on every read
  for (; j < end; j++) {
    const t = starts[j]!;
    if (t >= dayEnd) break;
    // minuteIndex inlined by hand (see minute-index.ts for why it is exact)
    const p = table[((t - dayStart) * perMinute + 1e-9) | 0]!;
    dayWh[p] = dayWh[p]! + whs[j]!;
  }
  return j;
}

/**
 * `sumDay` for whole-ms starts, by runs of one period: the intervals before a run's end are
 * summed in a register, no table read per interval. Exact because for whole ms δ,
 * `minuteIndex(δ) < m` ⇔ δ < m × 60 000.
 */
function sumDayByRuns(
  dayWh: Float64Array,
  runs: PeriodRuns,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  j: number,
  end: number,
  dayStart: number,
): number {
  const ends = runs.endMs;
  const periods = runs.period;
  for (let r = 0; r < ends.length && j < end; r++) {
    const bound = dayStart + ends[r]!;
    let sumWh = 0;
    for (; j < end; j++) {
      if (starts[j]! >= bound) break;
      sumWh += whs[j]!;
    }
    const p = periods[r]!;
    dayWh[p] = dayWh[p]! + sumWh;
  }
  return j;
}

/**
 * Adds one day's Wh per period into tier `tier` of each charged period's cells, clears `dayWh`
 * and returns the charged Wh; `fill.total` gains all the day's Wh (charged or not).
 */
function addDay(
  fill: Fill,
  dayWh: Float64Array,
  cells: Float64Array,
  mask: Uint8Array,
  T: number,
  tier: number,
): number {
  let charged = 0;
  let total = 0;
  for (let p = 0; p < dayWh.length; p++) {
    const w = dayWh[p]!;
    dayWh[p] = 0;
    total += w;
    if (mask[p] === 0 || w === 0) continue;
    const k = p * T + tier;
    cells[k] = cells[k]! + w;
    charged += w;
  }
  fill.total += total;
  return charged;
}

/** Σ Wh of the charged periods of one day (`dayWh` unchanged). */
function chargedOf(dayWh: Float64Array, mask: Uint8Array): number {
  let charged = 0;
  for (let p = 0; p < dayWh.length; p++) if (mask[p] !== 0) charged += dayWh[p]!;
  return charged;
}

/**
 * The intervals [j, end) of one day, chronological tiers: fills tiers in time order, splitting an
 * interval at a limit (limits [200, 400], a 190, 15 Wh → 10 Wh in tier 1, 5 Wh in tier 2).
 */
function chronoDay(
  fill: Fill,
  limits: readonly number[],
  cells: Float64Array,
  table: Uint8Array,
  mask: Uint8Array,
  T: number,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  j: number,
  end: number,
  dayStart: number,
): void {
  let a = fill.a;
  let tier = fill.tier;
  let next = fill.next;
  let total = fill.total;
  for (; j < end; j++) {
    let w = whs[j]!;
    total += w;
    const p = table[minuteIndex(starts[j]! - dayStart)]!;
    if (mask[p] === 0) continue;
    const base = p * T;
    while (a + w > next) {
      const take = next - a;
      cells[base + tier] = cells[base + tier]! + take;
      a = next;
      w -= take;
      tier++;
      next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
    }
    cells[base + tier] = cells[base + tier]! + w;
    a += w;
  }
  fill.a = a;
  fill.tier = tier;
  fill.next = next;
  fill.total = total;
}

/**
 * The batch hot loop: one energy component over the intervals [i, end) of one segment. Each
 * local day is first summed per period (`sumDay`); a day whose charged Wh stays inside the
 * current chronological tier (every day of untiered and proportional components) is added
 * per period at once, which gives the same integer cells as adding interval by interval. A
 * day that crosses a tier limit is re-rated interval by interval (`chronoDay`). `wholeMs`:
 * every start is a whole ms (days are then summed by period runs). Returns Σ Wh of all the
 * intervals.
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
  wholeMs: boolean,
): number {
  const T = e.tierCount;
  const mask = e.chargedMask;
  const chrono = e.tiers?.allocation === 'chronological';
  const bucket = bucketFor(state, seg, e, k, first);
  const pass: Pass = {
    day: first,
    table: first.tables[e.schedule]!,
    bucket,
    acc: e.tiers ? state.accumulators[e.id]! : { key: '', wh: 0 },
    scopeMonth: first.month,
    scopeYear: first.year,
  };
  // a typed working copy of the bucket cells (kept unboxed), written back when the bucket changes
  let cells = Float64Array.from(bucket.cells);
  const dayWh = new Float64Array(mask.length);
  // 0.5 makes a, next and total double fields from the start: no map change (and deopt) later
  const fill: Fill = { a: 0.5, tier: 0, next: 0.5, total: 0.5 };
  fillAt(fill, bucket.limitsWh, pass.acc.wh);
  fill.total = 0;
  let j = i;
  while (j < end) {
    const t = starts[j]!;
    if (t >= pass.day.endMs) {
      pass.acc.wh = fill.a;
      const before = pass.bucket;
      if (advance(pass, state, seg, v, e, k, t)) {
        writeBack(before.cells, cells);
        cells = Float64Array.from(pass.bucket.cells);
        fillAt(fill, pass.bucket.limitsWh, pass.acc.wh);
      }
    }
    const day = pass.day;
    const from = j;
    j = wholeMs
      ? sumDayByRuns(dayWh, periodRuns(pass.table), starts, whs, j, end, day.startMs)
      : sumDay(dayWh, pass.table, starts, whs, j, end, day.startMs, day.endMs);
    if (chrono && fill.a + chargedOf(dayWh, mask) > fill.next) {
      dayWh.fill(0);
      const limits = pass.bucket.limitsWh;
      chronoDay(fill, limits, cells, pass.table, mask, T, starts, whs, from, j, day.startMs);
      continue;
    }
    fill.a += addDay(fill, dayWh, cells, mask, T, chrono ? fill.tier : 0);
  }
  if (e.tiers) pass.acc.wh = fill.a;
  writeBack(pass.bucket.cells, cells);
  return fill.total;
}

function writeBack(target: number[], cells: Float64Array): void {
  for (let c = 0; c < cells.length; c++) target[c] = cells[c]!;
}
