import type { Clock } from '@gridbill/shared/clock';
import type { RandomSource } from '@gridbill/shared/ids';
import { createPullTrigger } from '../mqtt/pull-trigger.js';
import { startSyncLoop } from './sync-loop.js';

export interface GatewaySyncOptions {
  clock: Clock;
  random: RandomSource;
  /** One upstream round (the sender's `sendRound`, or `sendOnce`). */
  sendOnce: () => Promise<{ kind: string }>;
  /** One downstream pull loop (the puller's `pull`). */
  pull: () => Promise<unknown>;
  /** Wait when the outbox is empty (new rows call `outboxChanged`). Default 5 s. */
  upstreamIdleMs?: number;
  /** Backstop pull period without hints. Default 60 s + up to 10 s jitter. */
  pullEveryMs?: number;
  onError?: (what: 'upstream' | 'downstream', err: unknown) => void;
}

/**
 * Runs both sync directions of a gateway: the upstream loop (back-off after failures) and the
 * pull trigger (timer + MQTT hints). Hook `onPullHint` of the gateway link to `pullHint`.
 * Example: startGatewaySync({ clock, random, sendOnce: sender.sendOnce, pull: puller.pull })
 *   → { pullHint(), outboxChanged(), stop() }.
 */
export function startGatewaySync(o: GatewaySyncOptions) {
  const upstream = startSyncLoop({
    clock: o.clock,
    random: o.random,
    idleMs: o.upstreamIdleMs ?? 5000,
    round: async () => {
      const outcome = await o.sendOnce();
      if (outcome.kind === 'idle') return 'idle';
      if (outcome.kind === 'failed' || outcome.kind === 'rejected') return 'failed';
      return 'more';
    },
    onError: (err) => o.onError?.('upstream', err),
  });
  const trigger = createPullTrigger({
    clock: o.clock,
    random: o.random,
    intervalMs: o.pullEveryMs ?? 60_000,
    jitterMs: 10_000,
    pull: async () => {
      try {
        await o.pull();
      } catch (err) {
        o.onError?.('downstream', err);
        throw err;
      }
    },
  });
  trigger.start();
  return {
    /** An MQTT "pull now" hint. */
    pullHint: () => trigger.hint(),
    /** New outbox rows: send now instead of after the idle wait. */
    outboxChanged: () => upstream.wake(),
    pullStats: () => trigger.stats,
    upstreamFailures: () => upstream.failures(),
    async stop() {
      trigger.stop();
      await upstream.stop();
    },
  };
}
