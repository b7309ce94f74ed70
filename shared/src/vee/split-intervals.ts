import { allocate } from '../money/index.js';
import type { QualityFlag } from './types.js';

export interface IntervalDelta {
  startMs: number;
  endMs: number;
  energyWh: number;
  flags: QualityFlag[];
}

/**
 * Turns the energy between two register reads into interval deltas. One interval: as is.
 * Several: the energy is spread evenly (largest remainder, sum exact) and every piece is
 * flagged `estimated`; beyond `maxEstimatedIntervals` (a long gap, e.g. a Modbus meter
 * without a load profile) the pieces are also flagged `gap`. Energy is conserved in every
 * case. Boundaries must be aligned to the interval.
 *
 * @example
 * splitIntervals(0, 2_700_000, 10, 900, 4)
 * // → [{0, 900000, 4 Wh, ['estimated']}, {900000, 1800000, 3, ['estimated']},
 * //    {1800000, 2700000, 3, ['estimated']}]
 */
export function splitIntervals(
  fromMs: number,
  toMs: number,
  energyWh: number,
  intervalSeconds: number,
  maxEstimatedIntervals: number,
): IntervalDelta[] {
  const stepMs = intervalSeconds * 1000;
  if (fromMs % stepMs !== 0 || toMs % stepMs !== 0 || toMs <= fromMs)
    throw new RangeError(`splitIntervals: ${fromMs}..${toMs} is not aligned to ${stepMs} ms`);
  const count = (toMs - fromMs) / stepMs;
  if (count === 1) return [{ startMs: fromMs, endMs: toMs, energyWh, flags: [] }];
  const parts = allocate(
    BigInt(energyWh),
    Array.from({ length: count }, () => 1n),
  );
  return parts.map((wh, i) => ({
    startMs: fromMs + i * stepMs,
    endMs: fromMs + (i + 1) * stepMs,
    energyWh: Number(wh),
    flags: count > maxEstimatedIntervals ? ['estimated', 'gap'] : ['estimated'],
  }));
}

/**
 * Rounds a capture time to the nearest interval boundary when within `toleranceMs`
 * (snapshots taken a few seconds after the boundary), otherwise returns undefined.
 *
 * @example
 * alignToInterval(900_004_000, 900, 30_000) // → 900_000_000
 */
export function alignToInterval(
  captureMs: number,
  intervalSeconds: number,
  toleranceMs: number,
): number | undefined {
  const stepMs = intervalSeconds * 1000;
  const nearest = Math.round(captureMs / stepMs) * stepMs;
  return Math.abs(captureMs - nearest) <= toleranceMs ? nearest : undefined;
}
