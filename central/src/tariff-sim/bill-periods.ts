import { daysBetween, localMidnightUtcMs, parseDateKey } from '@gridbill/shared/time';
import type { BillPeriod } from '@gridbill/shared/tariff';
import { InputError } from './input-error.js';

export interface LabelledPeriod extends BillPeriod {
  from: string;
  to: string;
}

function checkDate(value: string, option: string): string {
  try {
    parseDateKey(value);
    return value;
  } catch (err) {
    throw new InputError('(command line)', undefined, option, (err as Error).message);
  }
}

/**
 * Bill periods between local dates (`to` exclusive): calendar months (partial at the edges) or
 * one whole period. `billPeriods('2024-01-15', '2024-03-01', 'month', tz)` →
 * Jan 15-Feb 1, Feb 1-Mar 1.
 */
export function billPeriods(from: string, to: string, kind: string, tz: string): LabelledPeriod[] {
  checkDate(from, '--from');
  checkDate(to, '--to');
  if (daysBetween(from, to) <= 0)
    throw new InputError('(command line)', undefined, '--to', 'must be after --from');
  if (kind !== 'month' && kind !== 'whole') {
    throw new InputError(
      '(command line)',
      undefined,
      '--period',
      `expected month or whole, got "${kind}"`,
    );
  }
  const bounds = [from];
  if (kind === 'month') {
    let key = from;
    while (key < to) {
      const { year, month } = parseDateKey(key);
      key = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
      if (key < to) bounds.push(key);
    }
  }
  bounds.push(to);
  return bounds.slice(1).map((end, i) => ({
    from: bounds[i]!,
    to: end,
    fromMs: localMidnightUtcMs(bounds[i]!, tz),
    toMs: localMidnightUtcMs(end, tz),
  }));
}
