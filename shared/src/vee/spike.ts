import type { VeeLimits } from './types.js';

/**
 * Whether a delta is a spike against the meter's smoothed history.
 *
 * @example
 * isSpike(5_000, 3_600_000, 400_000, limits) // rate 5000 Wh/h vs history 400 Wh/h, factor 5
 * // → true
 */
export function isSpike(
  deltaWh: number,
  elapsedMs: number,
  rateMilliWhPerHour: number,
  limits: VeeLimits,
): boolean {
  if (elapsedMs <= 0 || rateMilliWhPerHour <= 0) return false;
  const rateWhPerHour = (deltaWh * 3_600_000) / elapsedMs;
  if (rateWhPerHour < limits.spikeFloorWhPerHour) return false;
  return rateWhPerHour * 1000 > rateMilliWhPerHour * limits.spikeFactor;
}

/**
 * Smoothed rate update (weight 1/8 for the new sample), integer milli-Wh per hour.
 *
 * @example
 * nextRate(0, 250, 900_000) // → 1_000_000 (first sample taken as is: 1000 Wh/h)
 * nextRate(1_000_000, 0, 900_000) // → 875_000
 */
export function nextRate(rateMilliWhPerHour: number, deltaWh: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return rateMilliWhPerHour;
  const sample = Math.round((deltaWh * 3_600_000_000) / elapsedMs);
  if (rateMilliWhPerHour === 0) return sample;
  return Math.round((rateMilliWhPerHour * 7 + sample) / 8);
}
