import type { Clock, TimerHandle } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import type { AppContext } from '../app/context.js';
import { deriveFeed } from '../sync/feed-routes.js';
import { type FeedAppended, onFeedAppended } from '../sync/feed-notify.js';
import { syncDb } from '../sync/sync-schema.js';
import type { CentralLink } from './central-link.js';

export interface FeedHintsOptions {
  ctx: AppContext;
  link: Pick<CentralLink, 'publishPullHint' | 'publishRelayCommand'>;
  /** How often central derives every gateway's feed from its records. Default 2 000 ms. */
  periodMs?: number;
  /** Hints to one gateway are coalesced over this window. Default 250 ms. */
  debounceMs?: number;
}

export interface FeedHints {
  /** One derive pass over every gateway, then hints for the feeds that moved. */
  tick(): Promise<void>;
  stop(): void;
  readonly stats: { hints: number; relayCommands: number; failures: number };
}

/**
 * Central's side of the "pull now" hint: after a commit appends to a gateway's feed (a relay
 * order at once; payments, tariffs, assignments when the periodic derive pass appends them)
 * it publishes the feed's checkpoint on `gridbill/gw/<id>/cmd/pull` (retained, debounced per
 * gateway), and copies staff relay orders to `cmd/relay` with the feed's order id. Every
 * publish is best effort: the gateway also pulls on its timer.
 * Example: payment for an account of gw-1 → within periodMs + debounceMs a hint { e1, 7 }.
 */
export function startFeedHints(o: FeedHintsOptions): FeedHints {
  const { ctx, link } = o;
  const clock: Clock = ctx.clock;
  const log: Pick<Logger, 'warn'> = ctx.logger;
  const periodMs = o.periodMs ?? 2000;
  const debounceMs = o.debounceMs ?? 250;
  const stats = { hints: 0, relayCommands: 0, failures: 0 };
  const hinted = new Map<string, number>();
  const pending = new Map<string, TimerHandle>();
  let stopped = false;
  let timer: TimerHandle | null = null;

  const failed = (what: string) => (err: unknown) => {
    stats.failures += 1;
    log.warn({ err: (err as Error).message }, `mqtt ${what} not sent`);
  };

  const publishHint = async (gatewayId: string) => {
    pending.delete(gatewayId);
    const feed = await syncDb(ctx.store.db)
      .selectFrom('sync_feeds')
      .selectAll()
      .where('gateway_id', '=', gatewayId)
      .executeTakeFirst();
    if (!feed || stopped) return;
    const cseq = Number(feed.last_cseq);
    hinted.set(gatewayId, cseq);
    stats.hints += 1;
    await link.publishPullHint(gatewayId, { feedEpoch: feed.feed_epoch, cseq });
  };

  const scheduleHint = (gatewayId: string) => {
    if (stopped || pending.has(gatewayId)) return;
    const handle = clock.setTimeout(() => {
      publishHint(gatewayId).catch(failed('pull hint'));
    }, debounceMs);
    pending.set(gatewayId, handle);
  };

  const onAppended = (e: FeedAppended) => {
    if (e.relayOrder) {
      stats.relayCommands += 1;
      link.publishRelayCommand(e.gatewayId, e.relayOrder).catch(failed('relay command'));
    }
    scheduleHint(e.gatewayId);
  };
  const off = onFeedAppended(ctx, onAppended);

  const tick = async () => {
    const gateways = await ctx.store.db.selectFrom('gateways').select('id').execute();
    for (const { id } of gateways) {
      await deriveFeed(ctx, id);
      const feed = await syncDb(ctx.store.db)
        .selectFrom('sync_feeds')
        .select('last_cseq')
        .where('gateway_id', '=', id)
        .executeTakeFirst();
      const cseq = Number(feed?.last_cseq ?? 0n);
      if (cseq > (hinted.get(id) ?? 0)) scheduleHint(id);
    }
  };
  const loop = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      tick().catch(failed('derive pass')).finally(loop);
    }, periodMs);
  };
  loop();
  return {
    tick,
    stats,
    stop() {
      stopped = true;
      off();
      if (timer !== null) clock.clearTimeout(timer);
      for (const handle of pending.values()) clock.clearTimeout(handle);
      pending.clear();
    },
  };
}
