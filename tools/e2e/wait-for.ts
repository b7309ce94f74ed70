import { createSystemClock } from '../../shared/src/clock/index.js';

/** The host clock for real-time bounds in these end-to-end tests. */
export const realClock = createSystemClock();

/**
 * Polls `probe` every `everyMs` until it returns a value that is not undefined, or fails with
 * `what` and the last error seen after `timeoutMs` of real time, e.g.
 * `await waitFor('relay open', async () => ((await simRelay(id)).open ? true : undefined), 30_000)`
 * → true.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = realClock.monoMs() + timeoutMs;
  let last: unknown = 'none';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (realClock.monoMs() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last error: ${last})`);
    await realClock.sleep(everyMs);
  }
}
