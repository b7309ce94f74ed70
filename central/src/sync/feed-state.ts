import type { DownstreamChangeKind } from '@gridbill/shared/sync';
import type { SyncDb, SyncTrx } from './sync-schema.js';

/**
 * The bodies of one kind of change in a gateway's feed, oldest first (JSON as stored, money
 * as decimal strings). Used to derive the next version of a record and to build snapshots.
 * Example: feedBodies(trx, 'gw-1', 'key-rotation') → [{ keyId: 'k-1a2b3c4d', ... }].
 */
export async function feedBodies(
  db: SyncDb | SyncTrx,
  gatewayId: string,
  kind: DownstreamChangeKind,
): Promise<Record<string, unknown>[]> {
  const rows = await db
    .selectFrom('sync_changes')
    .select('body')
    .where('gateway_id', '=', gatewayId)
    .where('kind', '=', kind)
    .orderBy('cseq')
    .execute();
  return rows.map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

/**
 * The newest body per key (a later change replaces an earlier one).
 * Example: latestBy([{ a: 'x', v: 1 }, { a: 'x', v: 2 }], 'a') → Map { 'x' → { a: 'x', v: 2 } }.
 */
export function latestBy<T extends Record<string, unknown>>(
  bodies: readonly T[],
  keyField: string,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const b of bodies) out.set(String(b[keyField]), b);
  return out;
}
