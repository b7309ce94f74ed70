/**
 * A minute table as runs of one period: run `r` covers elapsed ms [endMs[r - 1], endMs[r])
 * since local midnight (0 for r = 0) in period `period[r]`.
 * `periodRuns(table [1, 1, 0])` → `{ endMs: [120000, 180000], period: [1, 0] }`.
 */
export interface PeriodRuns {
  readonly endMs: Float64Array;
  readonly period: Uint8Array;
}

const MINUTE_MS = 60_000;
const cache = new WeakMap<Uint8Array, PeriodRuns>();

/** The runs of a minute table (built once per table; day tables are shared between days). */
export function periodRuns(table: Uint8Array): PeriodRuns {
  let hit = cache.get(table);
  if (hit) return hit;
  const ends: number[] = [];
  const periods: number[] = [];
  for (let m = 0; m < table.length; m++) {
    const p = table[m]!;
    if (periods.length > 0 && periods[periods.length - 1] === p) ends[ends.length - 1] = m + 1;
    else {
      periods.push(p);
      ends.push(m + 1);
    }
  }
  hit = {
    endMs: Float64Array.from(ends, (m) => m * MINUTE_MS),
    period: Uint8Array.from(periods),
  };
  cache.set(table, hit);
  return hit;
}
