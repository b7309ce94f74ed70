import type { Clock, TimerHandle } from './clock.js';

/**
 * The one place that reads the host clock. Only daemons construct it (CLI entry
 * points); everything else receives a `Clock`. Under `@sinonjs/fake-timers`
 * (`toFake` including `Date`, `performance`, `setTimeout`) it becomes fully
 * controllable, which is how integration tests drive time.
 */
export function createSystemClock(): Clock {
  return {
    wallMs: () => Date.now(),
    monoMs: () => performance.now(),
    setTimeout: (fn, delayMs) => ({ id: setTimeout(fn, delayMs) }),
    clearTimeout: (handle: TimerHandle) => clearTimeout(handle.id as NodeJS.Timeout),
    sleep: (delayMs) => new Promise((resolve) => setTimeout(resolve, delayMs)),
  };
}
