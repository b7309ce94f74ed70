import type { QuantityValues } from '@gridbill/shared/modbus';
import { unitNoise } from './hash-noise.js';

/** Instantaneous values derived from the net power of the current minute. */
export interface Instantaneous {
  powerW: number;
  phases: { voltageV: number; currentA: number; powerW: number }[];
  powerFactor: number;
  apparentPowerVa: number;
  reactivePowerVar: number;
  frequencyHz: number;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/**
 * Voltage 230 V ± 3 V and 50 Hz ± 0.05 Hz (seeded per minute), current from P / (V × PF),
 * three-phase power split 35/33/32 %. Values are rounded to the places a meter displays.
 *
 * @example instantaneous(2300, 0.95, 1, 7, 29_000_000).phases[0]
 *   // { voltageV: 228.5, currentA: 10.595, powerW: 2300 }
 */
export function instantaneous(
  powerW: number,
  powerFactor: number,
  phaseCount: 1 | 3,
  seed: number,
  minute: number,
): Instantaneous {
  const split = phaseCount === 1 ? [1] : [0.35, 0.33, 0.32];
  const phases = split.map((share, i) => {
    const voltageV = round(230 + 6 * (unitNoise(seed, minute, 10 + i) - 0.5), 1);
    const phasePowerW = Math.round(powerW * share);
    const currentA = round(Math.abs(phasePowerW) / (voltageV * powerFactor), 3);
    return { voltageV, currentA, powerW: phasePowerW };
  });
  const apparentPowerVa = Math.round(Math.abs(powerW) / powerFactor);
  return {
    powerW,
    phases,
    powerFactor,
    apparentPowerVa,
    reactivePowerVar: Math.round(Math.sqrt(Math.max(0, apparentPowerVa ** 2 - powerW ** 2))),
    frequencyHz: round(50 + 0.1 * (unitNoise(seed, minute, 20) - 0.5), 2),
  };
}

/** Instantaneous values as register-map quantities. */
export function instantQuantities(inst: Instantaneous): QuantityValues {
  const [l1, l2, l3] = inst.phases;
  return {
    l1VoltageV: l1?.voltageV ?? 0,
    l2VoltageV: l2?.voltageV ?? 0,
    l3VoltageV: l3?.voltageV ?? 0,
    l1CurrentA: l1?.currentA ?? 0,
    l2CurrentA: l2?.currentA ?? 0,
    l3CurrentA: l3?.currentA ?? 0,
    l1PowerW: l1?.powerW ?? 0,
    l2PowerW: l2?.powerW ?? 0,
    l3PowerW: l3?.powerW ?? 0,
    powerW: inst.powerW,
    apparentPowerVa: inst.apparentPowerVa,
    reactivePowerVar: inst.reactivePowerVar,
    powerFactor: inst.powerFactor,
    frequencyHz: inst.frequencyHz,
  };
}
