import { PRICE_SCALE, parseDecimal } from '../money/index.js';
import { addDays, daysInMonth, localMidnightUtcMs, parseDateKey } from '../time/index.js';
import type { CompiledVersion } from './compile.js';
import { fixed30MonthFraction } from './month-fraction.js';
import type { Rational } from './rational.js';
import { mul, rat, roundTo } from './rational.js';
import type { FixedComponent } from './schema.js';

/** One fixed component's draw for one local day, in minor units of the version's currency. */
export interface StandingCharge {
  versionId: string;
  componentId: string;
  amountMinor: bigint;
}

/**
 * The standing (fixed) charges a prepaid balance draws for one local day, from the version in
 * effect at that day's local midnight: a component's draw is the rounded running total of the
 * month through this day minus the rounded total through the day before (rounded once per
 * total, by the version's rule), so a whole month of draws adds up to the month's amount.
 * `per: 'day'` counts days; `per: 'month'` and `per: 'bill'` (a prepaid bill is the month)
 * count the fraction of the month: calendar days, or 30-day months for `monthBasis: 'fixed-30'`.
 * Versions that start or end inside a month are not prorated here: the month-close settlement
 * trues the month up to the kernel's bill.
 * Example: { id: 'svc', amount: '100', per: 'month' } in a 30-day month, 2 digits, half-up →
 *   day 1: 333, day 2: 334, day 3: 333 … (30 days: 10000);
 *   { id: 'std', amount: '0.6012', per: 'day' } → days 1–4: 60 each, day 5: 61 (Σ 301).
 */
export function standingChargesOfDay(
  versions: readonly CompiledVersion[],
  dateKey: string,
): StandingCharge[] {
  const v = versionAt(versions, dateKey);
  if (!v) return [];
  const out: StandingCharge[] = [];
  for (const c of v.source.components) {
    if (c.kind !== 'fixed') continue;
    const through = (k: string) => roundTo(preciseThrough(c, k), 9, v.exponent, v.rounding);
    const before = dateKey.endsWith('-01') ? 0n : through(addDays(dateKey, -1));
    const amountMinor = through(dateKey) - before;
    if (amountMinor !== 0n) out.push({ versionId: v.versionId, componentId: c.id, amountMinor });
  }
  return out;
}

/** The version in effect at local midnight of `dateKey` (in each version's own zone). */
function versionAt(versions: readonly CompiledVersion[], dateKey: string) {
  return versions.find((v) => {
    const ms = localMidnightUtcMs(dateKey, v.timeZone);
    return v.fromMs <= ms && ms < v.toMs;
  });
}

/**
 * Precise amount (1e-9 units) of a component from the 1st of `dateKey`'s month through
 * `dateKey` inclusive.
 */
function preciseThrough(c: FixedComponent, dateKey: string): Rational {
  const { year, month, day } = parseDateKey(dateKey);
  const monthStart = `${dateKey.slice(0, 8)}01`;
  const amount = rat(parseDecimal(c.amount, PRICE_SCALE) * 1000n);
  if (c.per === 'day') return mul(amount, rat(BigInt(day)));
  if (c.monthBasis === 'fixed-30')
    return mul(amount, fixed30MonthFraction(monthStart, addDays(dateKey, 1)));
  return mul(amount, rat(BigInt(day), BigInt(daysInMonth(year, month))));
}
