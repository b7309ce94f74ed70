import type { QualityFlag } from '../vee/index.js';

/** Every flag an interval slot can carry: the VEE flags plus storage-level ones. */
export type IntervalFlag = QualityFlag | 'missing' | 'clock-untrusted';

/** One bit per flag, stored as one byte per interval. 0 = an actual, clean value. */
export const INTERVAL_FLAG_BITS: Readonly<Record<IntervalFlag, number>> = {
  missing: 1,
  estimated: 2,
  gap: 4,
  spike: 8,
  rollover: 16,
  replacement: 32,
  snapshot: 64,
  'clock-untrusted': 128,
};

const FLAG_NAMES = Object.keys(INTERVAL_FLAG_BITS) as IntervalFlag[];

/** Example: flagsToBits(['estimated', 'spike']) → 10. */
export function flagsToBits(flags: readonly IntervalFlag[]): number {
  let bits = 0;
  for (const flag of flags) {
    const bit = INTERVAL_FLAG_BITS[flag];
    if (bit === undefined) throw new Error(`unknown interval flag '${flag}'`);
    bits |= bit;
  }
  return bits;
}

/** Example: bitsToFlags(10) → ['estimated', 'spike']. */
export function bitsToFlags(bits: number): IntervalFlag[] {
  if (!Number.isInteger(bits) || bits < 0 || bits > 255) {
    throw new RangeError(`interval flags must be an integer 0..255, got ${bits}`);
  }
  return FLAG_NAMES.filter((name) => (bits & INTERVAL_FLAG_BITS[name]) !== 0);
}

/** A slot holds a measured value when it is neither missing nor estimated. */
export function isActual(bits: number): boolean {
  return (bits & (INTERVAL_FLAG_BITS.missing | INTERVAL_FLAG_BITS.estimated)) === 0;
}
