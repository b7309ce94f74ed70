import { bucketFor } from './accumulate.js';
import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { RatingDay } from './local-day.js';
import { nextDay } from './local-day.js';
import { minuteIndex } from './minute-index.js';
import type { PeriodState, SegmentState } from './period-state.js';

/**
 * The batch hot loop: one energy component over the intervals [i, end) of one segment, walking
 * local days inline (no call per day unless the day or the tier scope changes). Adds the same
 * determinants as the incremental kernel, interval by interval.
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
): void {
  const T = e.tierCount;
  const mask = e.chargedMask;
  const tiered = e.tiers !== undefined;
  const chrono = e.tiers?.allocation === 'chronological';
  let day = first;
  let dayStart = day.startMs;
  let dayEnd = day.endMs;
  let table = day.tables[e.schedule]!;
  let bucket = bucketFor(state, seg, e, k, day);
  let cells = bucket.cells;
  let limits = bucket.limitsWh;
  let acc = tiered ? state.accumulators[e.id]! : { key: '', wh: 0 };
  let a = acc.wh;
  let tier = 0;
  while (tier < limits.length && a >= limits[tier]!) tier++;
  let next = tier < limits.length ? limits[tier]! : Number.POSITIVE_INFINITY;
  let scopeMonth = day.month;
  let scopeYear = day.year;
  const yearly = e.tiers?.scope === 'year';
  const ysm = e.tiers?.yearStartMonth ?? 1;
  for (let j = i; j < end; j++) {
    const t = starts[j]!;
    if (t >= dayEnd) {
      while (t >= day.endMs) day = nextDay(v, day);
      dayStart = day.startMs;
      dayEnd = day.endMs;
      table = day.tables[e.schedule]!;
      // only month and year scopes change inside a segment, and only on these days
      if (day.month !== scopeMonth || day.year !== scopeYear || (yearly && day.month === ysm)) {
        acc.wh = a;
        const b = bucketFor(state, seg, e, k, day);
        scopeMonth = day.month;
        scopeYear = day.year;
        if (b !== bucket) {
          bucket = b;
          cells = b.cells;
          limits = b.limitsWh;
          acc = tiered ? state.accumulators[e.id]! : acc;
          a = acc.wh;
          tier = 0;
          while (tier < limits.length && a >= limits[tier]!) tier++;
          next = tier < limits.length ? limits[tier]! : Number.POSITIVE_INFINITY;
        }
      }
    }
    const p = table[minuteIndex(t - dayStart)]!;
    if (mask[p] === 0) continue;
    let w = whs[j]!;
    const base = p * T;
    if (chrono) {
      while (a + w > next) {
        const take = next - a;
        cells[base + tier] = cells[base + tier]! + take;
        a = next;
        w -= take;
        tier++;
        next = tier < limits.length ? limits[tier]! : Number.POSITIVE_INFINITY;
      }
      cells[base + tier] = cells[base + tier]! + w;
      a += w;
    } else {
      cells[base] = cells[base]! + w;
      a += w;
    }
  }
  if (tiered) acc.wh = a;
}
