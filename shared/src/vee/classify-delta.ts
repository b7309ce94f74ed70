import type { QualityFlag, QuarantineReason, VeeLimits } from './types.js';

export type DeltaClass =
  | { ok: true; deltaWh: number; flags: QualityFlag[] }
  | { ok: false; reason: QuarantineReason; detail: string };

/**
 * Classifies the change of a cumulative register between two reads of the same meter.
 * A decrease is a rollover only when it is more than half the modulus and the implied
 * consumption fits the physical maximum for the elapsed time; anything else is quarantined.
 *
 * @example
 * // 8-digit register, 30 min, 23 kWh/h max
 * classifyDelta(99_999_900, 150, 1_800_000, limits) // → { ok: true, deltaWh: 250,
 * //                                                      flags: ['rollover'] }
 * classifyDelta(5_000, 4_000, 1_800_000, limits)    // → { ok: false,
 * //                                                      reason: 'register_decrease', ... }
 */
export function classifyDelta(
  lastWh: number,
  valueWh: number,
  elapsedMs: number,
  limits: VeeLimits,
): DeltaClass {
  const modulus = 10 ** limits.registerDigits;
  const maxWh = maxEnergyWh(elapsedMs, limits);
  if (valueWh >= lastWh) return checkMax(valueWh - lastWh, maxWh, []);
  const drop = lastWh - valueWh;
  const wrapped = valueWh + modulus - lastWh;
  if (drop > modulus / 2 && wrapped <= maxWh)
    return { ok: true, deltaWh: wrapped, flags: ['rollover'] };
  return {
    ok: false,
    reason: 'register_decrease',
    detail:
      `register fell from ${lastWh} to ${valueWh} Wh; not a rollover of a ` +
      `${limits.registerDigits}-digit register within ${maxWh} Wh`,
  };
}

/** Physical maximum energy for an elapsed time: ceil(maxWhPerHour × elapsedMs / 3.6e6). */
export function maxEnergyWh(elapsedMs: number, limits: VeeLimits): number {
  return Math.ceil((limits.maxWhPerHour * elapsedMs) / 3_600_000);
}

function checkMax(deltaWh: number, maxWh: number, flags: QualityFlag[]): DeltaClass {
  if (deltaWh <= maxWh) return { ok: true, deltaWh, flags };
  return {
    ok: false,
    reason: 'exceeds_physical_max',
    detail: `delta ${deltaWh} Wh exceeds the physical maximum ${maxWh} Wh for the elapsed time`,
  };
}
