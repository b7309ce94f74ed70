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
    const outcome = applyUpdate(valuesWh, flags, update.index, update.valueWh, update.flags);
    if (outcome === 'conflict') {
      const storedWh = valuesWh[update.index]!;
      conflicts.push({ index: update.index, storedWh, incomingWh: update.valueWh });
    }
    outcomes.push(outcome);
  }
  return { day: { intervalSeconds: day.intervalSeconds, valuesWh, flags }, outcomes, conflicts };
}

/** Updates as columns: the first `n` entries of each array are read. */
export interface IntervalUpdateColumns {
  n: number;
  index: Int32Array;
  valueWh: Float64Array;
  flags: Float64Array;
}

/**
 * `mergeIntervals` for updates given as columns, without an object per update or per
 * outcome: the merged day, whether any slot was 'filled' or 'upgraded' (the row must be
 * written), and the conflicts. Example: stored [missing, est 40], columns index [0, 1],
 *   valueWh [12, 41], flags [0, 0] → values [12, 41], changed true, conflicts [].
 */
export function mergeIntervalColumns(
  day: IntervalDay,
  u: IntervalUpdateColumns,
): { day: IntervalDay; changed: boolean; conflicts: MergeResult['conflicts'] } {
  const valuesWh = day.valuesWh.slice();
  const flags = day.flags.slice();
  const conflicts: MergeResult['conflicts'] = [];
  let changed = false;
  for (let k = 0; k < u.n; k += 1) {
    const index = u.index[k]!;
    const valueWh = u.valueWh[k]!;
    const outcome = applyUpdate(valuesWh, flags, index, valueWh, u.flags[k]!);
    if (outcome === 'filled' || outcome === 'upgraded') changed = true;
    else if (outcome === 'conflict') {
      conflicts.push({ index, storedWh: valuesWh[index]!, incomingWh: valueWh });
    }
  }
  return { day: { intervalSeconds: day.intervalSeconds, valuesWh, flags }, changed, conflicts };
}

/** Checks one update, decides its outcome and writes it into the day's copies. */
function applyUpdate(
  valuesWh: Int32Array,
  flags: Uint8Array,
  index: number,
  valueWh: number,
  updateFlags: number,
): SlotOutcome {
  checkUpdate(index, valueWh, updateFlags, valuesWh.length);
  const outcome = decide(flags[index]!, valuesWh[index]!, valueWh, updateFlags);
  if (outcome === 'filled' || outcome === 'upgraded') {
    valuesWh[index] = valueWh;
    flags[index] = updateFlags;
  }
  return outcome;
}

function decide(
  storedFlags: number,
  storedWh: number,
  valueWh: number,
  updateFlags: number,
): SlotOutcome {
  if (storedFlags === updateFlags && storedWh === valueWh) return 'unchanged';
  if ((storedFlags & INTERVAL_FLAG_BITS.missing) !== 0) return 'filled';
  const storedActual = isActual(storedFlags);
  const incomingActual = isActual(updateFlags);
  if (!storedActual && incomingActual) return 'upgraded';
  if (storedActual && !incomingActual) return 'kept';
  if (storedActual && incomingActual) return storedWh === valueWh ? 'kept' : 'conflict';
  return 'kept';
}

function checkUpdate(index: number, v: number, flags: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`interval index ${index} is outside 0..${count - 1}`);
  }
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new RangeError(`interval ${index}: ${v} Wh is not an int32 integer`);
  }
  if (!Number.isInteger(flags) || flags < 0 || flags > 255) {
    throw new RangeError(`interval ${index}: flags ${flags} not in 0..255`);
  }
  if ((flags & INTERVAL_FLAG_BITS.missing) !== 0) {
    throw new RangeError(`interval ${index}: an update cannot carry the 'missing' flag`);
  }
}
