import type { Clock, TimerHandle } from '@gridbill/shared/clock';
import type { RandomSource } from '@gridbill/shared/ids';
import { randomInt } from '@gridbill/shared/ids';

export interface PullTriggerOptions {
  clock: Clock;
  random: RandomSource;
  /** Backstop: pull at least this often without any hint (e.g. 60 000). */
  intervalMs: number;
  /** Extra random delay 0..jitterMs per period, so gateways spread out. */
  jitterMs: number;
  /** One change-feed pull loop (until hasMore is false); errors are counted, not thrown. */
  pull: () => Promise<void>;
}

export interface PullTrigger {
  start(): void;
  /** An MQTT "pull now" hint: pull at once (coalesced with a pull already running). */
  hint(): void;
  stop(): void;
  readonly stats: { pulls: number; hinted: number; failures: number };
}

/**
 * Decides when the edge pulls the change feed: on every hint, and on a jittered timer
 * whatever MQTT does. A lost hint therefore only delays a change by up to
 * intervalMs + jitterMs; correctness never depends on MQTT.
 */
export function createPullTrigger(options: PullTriggerOptions): PullTrigger {
  const { clock, random } = options;
  const stats = { pulls: 0, hinted: 0, failures: 0 };
  let timer: TimerHandle | null = null;
  let running = false;
  let again = false;
  let stopped = true;

  const schedule = () => {
    if (timer !== null) clock.clearTimeout(timer);
    if (stopped) return;
    const delayMs = options.intervalMs + randomInt(random, 0, options.jitterMs);
    timer = clock.setTimeout(() => {
      timer = null;
      void run();
    }, delayMs);
  };

  const run = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        stats.pulls += 1;
        await options.pull().catch(() => {
          stats.failures += 1;
        });
      } while (again && !stopped);
    } finally {
      running = false;
      schedule();
    }
  };

  return {
    stats,
    start() {
      if (!stopped) return;
      stopped = false;
      void run();
    },
    hint() {
      stats.hinted += 1;
      void run();
    },
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
