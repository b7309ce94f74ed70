import type { RandomSource } from '@gridbill/shared/ids';
import { randomInt } from '@gridbill/shared/ids';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Reconnect: 1 s doubling to 60 s, full jitter (so 1 000 gateways do not reconnect at once). */
export const DEFAULT_RECONNECT: BackoffPolicy = { baseMs: 1000, capMs: 60_000 };

/**
 * Delay before reconnect attempt `attempt` (0 = first retry): uniform in
 * [0, min(cap, base · 2^attempt)] ("full jitter").
 * Example: reconnectDelayMs(3, random, { baseMs: 1000, capMs: 60000 }) → an integer in 0..8000.
 */
export function reconnectDelayMs(
  attempt: number,
  random: RandomSource,
  policy: BackoffPolicy = DEFAULT_RECONNECT,
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`reconnect attempt must be an integer ≥ 0, got ${attempt}`);
  }
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return randomInt(random, 0, Math.floor(ceilingMs));
}
