import type { Kysely } from 'kysely';
import type { SnapshotWire } from '@gridbill/shared/sync';
import { accountBalance } from '../records/index.js';
import type { Database } from '../store/schema.js';
import { FIRST_EPOCH } from './change-feed.js';
import { feedBodies, latestBy } from './feed-state.js';
import type { SyncTrx } from './sync-schema.js';

// biome-ignore lint/suspicious/noExplicitAny: wire bodies were validated when appended
type Body = any;

/**
 * A gateway's snapshot, built from its change feed (call after `deriveChanges` in the same
 * transaction, so `checkpoint` is exactly the state it describes): every tariff version and
 * key rotation, the newest account and meter assignments, unexpired relay orders, and per
 * account central's balance with the credit entry ids it counts and the edge seq it includes
 * (`sync_streams.acked_through_seq`: the edge adds its own later charges on top).
 * Example: a gateway with one account credited 500 → balances [{ balanceMinor: '500',
 *   credits: [{ entryId, amountMinor: '500' }], includesEdgeSeqThrough: 0, incarnation: null }].
 */
export async function buildSnapshot(
  trx: SyncTrx,
  gatewayId: string,
  nowMs: number,
): Promise<SnapshotWire> {
  const feed = await trx
    .selectFrom('sync_feeds')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  const stream = await trx
    .selectFrom('sync_streams')
    .select(['incarnation', 'acked_through_seq'])
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  const body = (kind: Parameters<typeof feedBodies>[2]) => feedBodies(trx, gatewayId, kind);
  const accounts = [...latestBy(await body('account-assignment'), 'accountId').values()];
  const meters = [...latestBy(await body('meter-assignment'), 'meterId').values()];
  const credits = (await body('credit')) as Body[];
  const accountIds = [
    ...new Set([...accounts.map((a) => a.accountId), ...meters.map((m) => m.accountId)]),
  ].filter((id): id is string => typeof id === 'string');
  const balances = [];
  for (const accountId of accountIds.sort()) {
    const row = await trx
      .selectFrom('accounts')
      .select('currency')
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!row) continue;
    const { balanceMinor } = await accountBalance(trx as unknown as Kysely<Database>, accountId);
    balances.push({
      accountId,
      currency: row.currency,
      balanceMinor: balanceMinor.toString(),
      includesEdgeSeqThrough: Number(stream?.acked_through_seq ?? 0n),
      incarnation: stream?.incarnation ?? null,
      credits: credits
        .filter((c) => c.accountId === accountId)
        .map((c) => ({ entryId: c.entryId, amountMinor: c.amountMinor })),
    });
  }
  const relayOrders = ((await body('relay-order')) as Body[]).filter((o) => o.expiresAtMs > nowMs);
  return {
    v: 1,
    gatewayId,
    takenAtMs: nowMs,
    checkpoint: { feedEpoch: feed?.feed_epoch ?? FIRST_EPOCH, cseq: Number(feed?.last_cseq ?? 0n) },
    tariffVersions: [...latestBy(await body('tariff-version'), 'tariffVersionId').values()] as Body,
    accounts: accounts as Body,
    meters: meters as Body,
    balances,
    relayOrders,
    keys: (await body('key-rotation')) as Body,
    redeemedTokenIds: credits.map((c) => c.entryId),
  };
}
