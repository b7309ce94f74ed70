import type { Clock, TimerHandle } from '@gridbill/shared/clock';
import type { RandomSource } from '@gridbill/shared/ids';
import { type BackoffPolicy, reconnectDelayMs } from '../mqtt/backoff.js';

export interface SyncLoopOptions {
  /** One round of work; true when there is more to do right away. */
  round: () => Promise<'more' | 'idle' | 'failed'>;
  clock: Clock;
  random: RandomSource;
  /** Wait between rounds when idle (a `wake()` cuts it short). */
  idleMs: number;
  backoff?: BackoffPolicy;
  onError?: (err: unknown) => void;
}

/**
 * Runs `round` forever on the injected clock: immediately again after 'more', `idleMs` after
 * 'idle', and after a full-jitter back-off (1 s doubling to 60 s) after consecutive failures.
 * `wake()` (an MQTT pull hint, new outbox rows) starts the next round now.
 */
export function startSyncLoop(o: SyncLoopOptions) {
  const backoff = o.backoff ?? { baseMs: 1000, capMs: 60_000 };
  let stopped = false;
  let failures = 0;
  let timer: TimerHandle | null = null;
  let wakeNow: (() => void) | null = null;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeNow = resolve;
      timer = o.clock.setTimeout(resolve, ms);
    });

  const run = async () => {
    while (!stopped) {
      let outcome: 'more' | 'idle' | 'failed';
      try {
        outcome = await o.round();
      } catch (err) {
        o.onError?.(err);
        outcome = 'failed';
      }
      if (stopped) break;
      if (outcome === 'more') {
        failures = 0;
        continue;
      }
      const ms = outcome === 'idle' ? o.idleMs : reconnectDelayMs(failures, o.random, backoff);
      failures = outcome === 'failed' ? failures + 1 : 0;
      await wait(ms);
    }
  };
  const done = run();
  return {
    wake(): void {
      if (timer !== null) o.clock.clearTimeout(timer);
      timer = null;
      wakeNow?.();
    },
    async stop(): Promise<void> {
      stopped = true;
      this.wake();
      await done;
    },
    failures: () => failures,
  };
}
