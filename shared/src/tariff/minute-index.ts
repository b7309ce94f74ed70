export const PER_MINUTE = 1 / 60_000;

/**
 * Whole minutes in `deltaMs` (an integer number of ms below one 26-hour day) without a
 * division: `minuteIndex(90_000)` → 1, `minuteIndex(120_000)` → 2.
 *
 * Exact: the product has a relative error below 4e-16, so below 1e-12 absolute for
 * deltaMs < 9.4e7; a true quotient is either a whole k (the +1e-9 lifts k − 1e-12 back to k) or
 * at least 1/60000 away from the next whole number, which 1e-9 + 1e-12 cannot reach.
 * Multiplying is ~4× faster than dividing in the rating loop.
 */
export function minuteIndex(deltaMs: number): number {
  return (deltaMs * PER_MINUTE + 1e-9) | 0;
}
