import type { IntervalDay } from './interval-day.js';
import { INT32_MAX, INT32_MIN } from './interval-day.js';
import { INTERVAL_FLAG_BITS, isActual } from './quality-flags.js';

/** A late or repeated interval for one slot of a stored day. */
export interface IntervalUpdate {
  index: number;
  valueWh: number;
  flags: number;
}

export type SlotOutcome = 'filled' | 'upgraded' | 'unchanged' | 'kept' | 'conflict';

export interface MergeResult {
  day: IntervalDay;
  /** Per update, in input order. */
  outcomes: SlotOutcome[];
  /** Updates whose actual value disagrees with a stored actual value (stored one kept). */
  conflicts: { index: number; storedWh: number; incomingWh: number }[];
}

/**
 * Merges late intervals into a stored day without mutating it:
 * - a missing slot is 'filled';
 * - an estimate (or gap filler) replaced by an actual value is 'upgraded';
 * - the same value and flags again is 'unchanged' (idempotent replay);
 * - an estimate arriving over an actual value is 'kept' out;
 * - two different actual values are a 'conflict': the stored value stays (a correction is a
 *   new record elsewhere, never an overwrite) and the pair is reported.
 * Example: stored [missing, est 40], updates [{0, 12, 0}, {1, 41, 0}] → values [12, 41],
 *   outcomes ['filled', 'upgraded'].
 */
export function mergeIntervals(day: IntervalDay, updates: readonly IntervalUpdate[]): MergeResult {
  const valuesWh = day.valuesWh.slice();
  const flags = day.flags.slice();
  const outcomes: SlotOutcome[] = [];
  const conflicts: MergeResult['conflicts'] = [];
  for (const update of updates) {
    checkUpdate(update, valuesWh.length);
    const outcome = decide(flags[update.index]!, valuesWh[update.index]!, update);
    if (outcome === 'filled' || outcome === 'upgraded') {
      valuesWh[update.index] = update.valueWh;
      flags[update.index] = update.flags;
    }
    if (outcome === 'conflict') {
      conflicts.push({
        index: update.index,
        storedWh: valuesWh[update.index]!,
        incomingWh: update.valueWh,
      });
    }
    outcomes.push(outcome);
  }
  return { day: { intervalSeconds: day.intervalSeconds, valuesWh, flags }, outcomes, conflicts };
}

function decide(storedFlags: number, storedWh: number, update: IntervalUpdate): SlotOutcome {
  if (storedFlags === update.flags && storedWh === update.valueWh) return 'unchanged';
  if ((storedFlags & INTERVAL_FLAG_BITS.missing) !== 0) return 'filled';
  const storedActual = isActual(storedFlags);
  const incomingActual = isActual(update.flags);
  if (!storedActual && incomingActual) return 'upgraded';
  if (storedActual && !incomingActual) return 'kept';
  if (storedActual && incomingActual) return storedWh === update.valueWh ? 'kept' : 'conflict';
  return 'kept';
}

function checkUpdate(update: IntervalUpdate, count: number): void {
  if (!Number.isInteger(update.index) || update.index < 0 || update.index >= count) {
    throw new RangeError(`interval index ${update.index} is outside 0..${count - 1}`);
  }
  const v = update.valueWh;
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new RangeError(`interval ${update.index}: ${v} Wh is not an int32 integer`);
  }
  if (!Number.isInteger(update.flags) || update.flags < 0 || update.flags > 255) {
    throw new RangeError(`interval ${update.index}: flags ${update.flags} not in 0..255`);
  }
  if ((update.flags & INTERVAL_FLAG_BITS.missing) !== 0) {
    throw new RangeError(`interval ${update.index}: an update cannot carry the 'missing' flag`);
  }
}
