import { contentId } from '@gridbill/shared/ids';
import type { DownstreamChangeKind, DownstreamChangeWire } from '@gridbill/shared/sync';
import { downstreamBodySchemas } from '@gridbill/shared/sync';
import type { SyncDb, SyncTrx } from './sync-schema.js';

/** The epoch of a feed built from the start (changes when a feed is rebuilt). */
export const FIRST_EPOCH = 'e1';

async function feedOf(trx: SyncTrx, gatewayId: string) {
  const row = await trx
    .selectFrom('sync_feeds')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  if (row) return { epoch: row.feed_epoch, last: Number(row.last_cseq) };
  await trx
    .insertInto('sync_feeds')
    .values({ gateway_id: gatewayId, feed_epoch: FIRST_EPOCH, last_cseq: 0n })
    .execute();
  return { epoch: FIRST_EPOCH, last: 0 };
}

/**
 * Appends one change to a gateway's feed, once: the change id is derived from the gateway,
 * kind and `sourceKey` (e.g. the ledger entry id), so deriving it again is a no-op. The body
 * is validated against the wire schema first. Returns the cseq, or null when already present.
 * Example: appendChange(trx, 'gw-1', 'credit', entryId, body, t) → 1, then again → null.
 */
export async function appendChange(
  trx: SyncTrx,
  gatewayId: string,
  kind: DownstreamChangeKind,
  sourceKey: string,
  body: unknown,
  nowMs: number,
): Promise<number | null> {
  downstreamBodySchemas[kind].parse(body);
  const changeId = contentId('sync-change', gatewayId, kind, sourceKey);
  const exists = await trx
    .selectFrom('sync_changes')
    .select('cseq')
    .where('gateway_id', '=', gatewayId)
    .where('change_id', '=', changeId)
    .executeTakeFirst();
  if (exists) return null;
  const feed = await feedOf(trx, gatewayId);
  const cseq = feed.last + 1;
  await trx
    .insertInto('sync_changes')
    .values({
      gateway_id: gatewayId,
      cseq: BigInt(cseq),
      change_id: changeId,
      kind,
      body: JSON.stringify(body),
      created_at_ms: BigInt(nowMs),
    })
    .execute();
  await trx
    .updateTable('sync_feeds')
    .set({ last_cseq: BigInt(cseq) })
    .where('gateway_id', '=', gatewayId)
    .execute();
  return cseq;
}

export interface FeedPage {
  v: 1;
  gatewayId: string;
  changes: DownstreamChangeWire[];
  checkpoint: { feedEpoch: string; cseq: number };
  hasMore: boolean;
}

/**
 * One page of the feed after `afterCseq`. A request from another epoch (a rebuilt feed, or a
 * gateway that never pulled) starts again from the beginning of the current epoch; one after
 * the head (central restored from a backup) answers the head, so the gateway sees 'ahead'.
 * Example: feed e1 with cseq 1..3, after 1, limit 1 → changes [cseq 2], checkpoint
 *   { feedEpoch: 'e1', cseq: 2 }, hasMore true.
 */
export async function readFeedPage(
  db: SyncDb | SyncTrx,
  gatewayId: string,
  epoch: string | null,
  afterCseq: number,
  limit: number,
): Promise<FeedPage> {
  const feed = await db
    .selectFrom('sync_feeds')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  const feedEpoch = feed?.feed_epoch ?? FIRST_EPOCH;
  const after = epoch === feedEpoch ? afterCseq : 0;
  const rows = await db
    .selectFrom('sync_changes')
    .select(['cseq', 'change_id', 'kind', 'body'])
    .where('gateway_id', '=', gatewayId)
    .where('cseq', '>', BigInt(after))
    .orderBy('cseq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const changes = page.map(
    (r) =>
      ({
        cseq: Number(r.cseq),
        changeId: r.change_id,
        kind: r.kind,
        body: JSON.parse(r.body),
      }) as DownstreamChangeWire,
  );
  const last = changes[changes.length - 1];
  // a gateway ahead of the feed (central restored from a backup) gets the feed's head back
  const head = Number(feed?.last_cseq ?? 0n);
  return {
    v: 1,
    gatewayId,
    changes,
    checkpoint: { feedEpoch, cseq: last ? last.cseq : Math.min(after, head) },
    hasMore: rows.length > limit,
  };
}
