import type { Clock } from '@gridbill/shared/clock';

/**
 * Accelerated time on top of a base clock, for demos and crash tests against the simulator
 * running at the same speed (`gridbill-sim run --speed N`); never used in production.
 *
 * @example
 * const c = createScaledClock(base, Date.UTC(2026, 2, 2), 900);
 * // one real second later: c.wallMs() === Date.UTC(2026, 2, 2) + 900_000
 */
export function createScaledClock(base: Clock, startMs: number, speed: number): Clock {
  if (!(speed > 0)) throw new RangeError(`time speed must be > 0, got ${speed}`);
  const mono0 = base.monoMs();
  const elapsed = () => (base.monoMs() - mono0) * speed;
  return {
    wallMs: () => Math.floor(startMs + elapsed()),
    monoMs: elapsed,
    setTimeout: (fn, delayMs) => base.setTimeout(fn, delayMs / speed),
    clearTimeout: (handle) => base.clearTimeout(handle),
    sleep: (delayMs) => base.sleep(delayMs / speed),
  };
}
