import { parseDateKey } from '../time/index.js';
import type { Rational } from './rational.js';
import { rat } from './rational.js';

/**
 * The fraction of a month between two local dates (`to` exclusive) with every month counted as
 * 30 days (day 31 counts as 30), as Kill Bill's fixed-days proration:
 * `fixed30MonthFraction('2023-05-23', '2023-06-15')` → 22/30;
 * `fixed30MonthFraction('2023-05-15', '2023-05-23')` → 8/30.
 */
export function fixed30MonthFraction(fromKey: string, toKey: string): Rational {
  const a = parseDateKey(fromKey);
  const b = parseDateKey(toKey);
  const days =
    (b.year - a.year) * 360 +
    (b.month - a.month) * 30 +
    (Math.min(b.day, 30) - Math.min(a.day, 30));
  return rat(BigInt(days), 30n);
}
