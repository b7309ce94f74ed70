import { bucketFor } from './accumulate.js';
import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { RatingDay } from './local-day.js';
import { nextDay } from './local-day.js';
import { PER_MINUTE } from './minute-index.js';
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

/** One day, untiered or proportional: Wh into tier 0 of each charged period's cells. */
function flatDay(
  fill: Fill,
  cells: Float64Array,
  table: Uint8Array,
  mask: Uint8Array,
  T: number,
  starts: ArrayLike<number>,
  whs: ArrayLike<number>,
  j: number,
  end: number,
  dayStart: number,
  dayEnd: number,
): number {
  let a = fill.a;
  let total = fill.total;
  const perMinute = PER_MINUTE; // a local, not a module binding checked on every read
  for (; j < end; j++) {
    const t = starts[j]!;
    if (t >= dayEnd) break;
    const w = whs[j]!;
    total += w;
    // minuteIndex inlined by hand (see minute-index.ts for why it is exact)
    const p = table[((t - dayStart) * perMinute + 1e-9) | 0]!;
    if (mask[p] === 0) continue;
    const base = p * T;
    cells[base] = cells[base]! + w;
    a += w;
  }
  fill.a = a;
  fill.total = total;
  return j;
}

/** One day, chronological tiers: fills tiers in time order, splitting an interval at a limit. */
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
  dayEnd: number,
): number {
  let a = fill.a;
  let tier = fill.tier;
  let next = fill.next;
  let total = fill.total;
  const perMinute = PER_MINUTE;
  for (; j < end; j++) {
    const t = starts[j]!;
    if (t >= dayEnd) break;
    let w = whs[j]!;
    total += w;
    const p = table[((t - dayStart) * perMinute + 1e-9) | 0]!;
    if (mask[p] === 0) continue;
    const base = p * T;
    if (a + w > next) {
      // crossing a tier limit: rare, split the interval
      while (a + w > next) {
        const take = next - a;
        cells[base + tier] = cells[base + tier]! + take;
        a = next;
        w -= take;
        tier++;
        next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
      }
    }
    cells[base + tier] = cells[base + tier]! + w;
    a += w;
  }
  fill.a = a;
  fill.tier = tier;
  fill.next = next;
  fill.total = total;
  return j;
}

/**
 * The batch hot loop: one energy component over the intervals [i, end) of one segment, one
 * tight loop per local day (a call only when the day changes). Adds the same determinants as
 * the incremental kernel, interval by interval. Returns Σ Wh of all the intervals.
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
    j = chrono
      ? chronoDay(
          fill,
          pass.bucket.limitsWh,
          cells,
          pass.table,
          mask,
          T,
          starts,
          whs,
          j,
          end,
          day.startMs,
          day.endMs,
        )
      : flatDay(fill, cells, pass.table, mask, T, starts, whs, j, end, day.startMs, day.endMs);
  }
  if (e.tiers) pass.acc.wh = fill.a;
  writeBack(pass.bucket.cells, cells);
  return fill.total;
}

function writeBack(target: number[], cells: Float64Array): void {
  for (let c = 0; c < cells.length; c++) target[c] = cells[c]!;
}
