import { daysInMonth } from '../time/index.js';
import type { CompiledVersion } from './compile.js';
import { nextDay, ratingDayAt } from './local-day.js';
import type { Rational } from './rational.js';
import { add, rat, ZERO } from './rational.js';

/**
 * An account attribute with dates (local, `to` exclusive):
 * `{ name: 'care', from: '2024-01-15' }`.
 */
export interface AccountAttribute {
  name: string;
  from?: string;
  to?: string;
}

export interface DayCount {
  /** local days in the range, exact (a partial day counts its fraction of real elapsed time) */
  days: Rational;
  /** Σ over calendar months of days-in-range / days-in-month */
  months: Rational;
}

/**
 * Counts local days and month fractions of [fromMs, toMs), only those days `include` accepts.
 * `countDays(v, Jan 1, Feb 1)` → `{ days: 31, months: 1 }`; Feb 2024 → 29 days, 1 month.
 */
export function countDays(
  v: CompiledVersion,
  fromMs: number,
  toMs: number,
  include?: (dateKey: string) => boolean,
): DayCount {
  if (include) return count(v, fromMs, toMs, include);
  let memo = counts.get(v);
  if (!memo) counts.set(v, (memo = new Map()));
  let byTo = memo.get(fromMs);
  if (!byTo) {
    if (memo.size > 10_000) memo.clear();
    memo.set(fromMs, (byTo = new Map()));
  }
  let hit = byTo.get(toMs);
  if (!hit) {
    hit = count(v, fromMs, toMs, () => true);
    byTo.set(toMs, hit);
  }
  return hit;
}

/** Memo by version, then start, then end (numbers as keys: no key text built per call). */
const counts = new WeakMap<CompiledVersion, Map<number, Map<number, DayCount>>>();

function count(
  v: CompiledVersion,
  fromMs: number,
  toMs: number,
  include: (dateKey: string) => boolean,
): DayCount {
  let fullDays = 0;
  let partial = ZERO;
  const perMonth = new Map<number, { full: number; partial: Rational; dim: number }>();
  let day = ratingDayAt(v, fromMs);
  while (day.startMs < toMs) {
    const overlap = Math.min(day.endMs, toMs) - Math.max(day.startMs, fromMs);
    if (overlap > 0 && include(day.dateKey)) {
      const key = day.year * 12 + day.month;
      let m = perMonth.get(key);
      if (!m)
        perMonth.set(key, (m = { full: 0, partial: ZERO, dim: daysInMonth(day.year, day.month) }));
      if (overlap === day.endMs - day.startMs) {
        fullDays++;
        m.full++;
      } else {
        const frac = rat(BigInt(overlap), BigInt(day.endMs - day.startMs));
        partial = add(partial, frac);
        m.partial = add(m.partial, frac);
      }
    }
    day = nextDay(v, day);
  }
  let months = ZERO;
  for (const m of perMonth.values()) {
    months = add(
      months,
      rat(BigInt(m.full) * m.partial.d + m.partial.n, m.partial.d * BigInt(m.dim)),
    );
  }
  return { days: add(rat(BigInt(fullDays)), partial), months };
}

/** Whether an attribute named `name` covers `dateKey`. */
export function hasAttribute(attrs: readonly AccountAttribute[], name: string, dateKey: string) {
  return attrs.some(
    (a) => a.name === name && (!a.from || dateKey >= a.from) && (!a.to || dateKey < a.to),
  );
}
