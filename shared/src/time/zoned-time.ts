import { addDays, parseDateKey, utcMidnightMs } from './date-key.js';
import { offsetSecondsAt } from './zone-offsets.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * UTC instant of a local wall time (`minuteOfDay` minutes after local midnight of `dateKey`).
 *
 * - Wall time that happens twice (clocks go back): `disambiguation` picks the `earlier`
 *   (default) or `later` instant.
 * - Wall time that never happens (clocks go forward): the transition instant, i.e. the first
 *   instant whose local time is past the requested one. This keeps the mapping monotonic, so
 *   local-time windows never overlap or leave holes (unlike Temporal's `compatible`).
 * - `minuteOfDay` 1440 means local midnight of the next day (window ends like "24:00").
 *
 * @example zonedTimeToUtcMs('2024-03-31', 90, 'Europe/London') // Date.UTC(2024,2,31,1,0)
 *   (01:30 does not exist; clocks jump 01:00 GMT → 02:00 BST at 01:00 UTC)
 * @example zonedTimeToUtcMs('2024-10-27', 90, 'Europe/London', 'later')
 *   // Date.UTC(2024,9,27,1,30) (01:30 GMT, the second 01:30)
 */
export function zonedTimeToUtcMs(
  dateKey: string,
  minuteOfDay: number,
  timeZone: string,
  disambiguation: 'earlier' | 'later' = 'earlier',
): number {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay > 1440) {
    throw new RangeError(
      `minuteOfDay for ${dateKey}: must be an integer 0..1440, got ${minuteOfDay}`,
    );
  }
  if (minuteOfDay === 1440)
    return zonedTimeToUtcMs(addDays(dateKey, 1), 0, timeZone, disambiguation);
  const { year, month, day } = parseDateKey(dateKey);
  const localAsUtcMs = utcMidnightMs(year, month, day) + minuteOfDay * MINUTE_MS;
  const offsets = new Set([
    offsetSecondsAt(localAsUtcMs - DAY_MS, timeZone),
    offsetSecondsAt(localAsUtcMs, timeZone),
    offsetSecondsAt(localAsUtcMs + DAY_MS, timeZone),
  ]);
  const valid: number[] = [];
  for (const offset of offsets) {
    const candidate = localAsUtcMs - offset * 1000;
    if (offsetSecondsAt(candidate, timeZone) === offset) valid.push(candidate);
  }
  if (valid.length > 0) {
    return disambiguation === 'later' ? Math.max(...valid) : Math.min(...valid);
  }
  return gapTransitionMs(localAsUtcMs, [...offsets], timeZone);
}

/**
 * In a gap (offsets in seconds): binary-search, to the second, the instant where local time
 * jumps past the target.
 */
function gapTransitionMs(localAsUtcMs: number, offsets: number[], timeZone: string): number {
  let lo = localAsUtcMs - Math.max(...offsets) * 1000; // local time before target
  let hi = localAsUtcMs - Math.min(...offsets) * 1000; // local time past target
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    const localMs = mid + offsetSecondsAt(mid, timeZone) * 1000;
    if (localMs > localAsUtcMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * First instant of a local date (usually local 00:00; the transition instant where midnight
 * falls in a DST gap).
 *
 * @example localMidnightUtcMs('2024-07-01', 'America/New_York') // Date.UTC(2024,6,1,4,0)
 */
export function localMidnightUtcMs(dateKey: string, timeZone: string): number {
  return zonedTimeToUtcMs(dateKey, 0, timeZone, 'earlier');
}
