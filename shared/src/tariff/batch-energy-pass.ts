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

function tierOf(limits: readonly number[], a: number): number {
  let tier = 0;
  while (tier < limits.length && a >= limits[tier]!) tier++;
  return tier;
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
 * The batch hot loop: one energy component over the intervals [i, end) of one segment, walking
 * local days inline (a call only when the day changes). Adds the same determinants as the
 * incremental kernel, interval by interval. Returns Σ Wh of all the intervals.
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
  let dayStart = first.startMs;
  let dayEnd = first.endMs;
  let table = pass.table;
  // a typed working copy of the bucket cells (kept unboxed), written back when the bucket changes
  let cells = Float64Array.from(bucket.cells);
  let limits = bucket.limitsWh;
  let a = pass.acc.wh;
  let tier = tierOf(limits, a);
  let next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
  let total = 0;
  for (let j = i; j < end; j++) {
    const t = starts[j]!;
    if (t >= dayEnd) {
      pass.acc.wh = a;
      const before = pass.bucket;
      if (advance(pass, state, seg, v, e, k, t)) {
        writeBack(before.cells, cells);
        cells = Float64Array.from(pass.bucket.cells);
        limits = pass.bucket.limitsWh;
        a = pass.acc.wh;
        tier = tierOf(limits, a);
        next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
      }
      dayStart = pass.day.startMs;
      dayEnd = pass.day.endMs;
      table = pass.table;
    }
    let w = whs[j]!;
    total += w;
    // minuteIndex inlined by hand (see minute-index.ts for why it is exact)
    const p = table[((t - dayStart) * PER_MINUTE + 1e-9) | 0]!;
    if (mask[p] === 0) continue;
    const base = p * T;
    if (!chrono) {
      cells[base] = cells[base]! + w;
    } else if (a + w <= next) {
      cells[base + tier] = cells[base + tier]! + w;
    } else {
      // crossing a tier limit: rare, split the interval
      while (a + w > next) {
        const take = next - a;
        cells[base + tier] = cells[base + tier]! + take;
        a = next;
        w -= take;
        tier++;
        next = tier < limits.length ? limits[tier]! : Number.MAX_SAFE_INTEGER;
      }
      cells[base + tier] = cells[base + tier]! + w;
    }
    a += w;
  }
  if (e.tiers) pass.acc.wh = a;
  writeBack(pass.bucket.cells, cells);
  return total;
}

function writeBack(target: number[], cells: Float64Array): void {
  for (let c = 0; c < cells.length; c++) target[c] = cells[c]!;
}
