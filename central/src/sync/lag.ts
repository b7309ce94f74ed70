import type { SyncDb } from './sync-schema.js';

export interface GatewayLag {
  gatewayId: string;
  incarnation: string;
  ackedThroughSeq: number;
  headSeq: number;
  /** headSeq − ackedThroughSeq as last reported by the gateway. */
  pendingEvents: number;
  /** Occurrence time of the newest event seen while a backlog remained (0 = none pending). */
  oldestPendingMs: number;
  lastContactMs: number;
  quarantined: number;
  alarms: number;
}

/**
 * Per-gateway sync lag from the stored streams.
 * Example: stream gw-1 acked 40, head 43 → { gatewayId: 'gw-1', pendingEvents: 3, … }.
 */
export async function gatewayLag(db: SyncDb): Promise<GatewayLag[]> {
  const rows = await db.selectFrom('sync_streams').selectAll().orderBy('gateway_id').execute();
  const q = await db
    .selectFrom('sync_quarantine')
    .select(['gateway_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .groupBy('gateway_id')
    .execute();
  const a = await db
    .selectFrom('sync_alarms')
    .select(['gateway_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .groupBy('gateway_id')
    .execute();
  const count = (list: { gateway_id: string; n: bigint | number | string }[], gw: string) =>
    Number(list.find((r) => r.gateway_id === gw)?.n ?? 0);
  return rows.map((r) => ({
    gatewayId: r.gateway_id,
    incarnation: r.incarnation,
    ackedThroughSeq: Number(r.acked_through_seq),
    headSeq: Number(r.head_seq),
    pendingEvents: Math.max(0, Number(r.head_seq) - Number(r.acked_through_seq)),
    oldestPendingMs: Number(r.oldest_pending_ms),
    lastContactMs: Number(r.last_contact_ms),
    quarantined: count(q, r.gateway_id),
    alarms: count(a, r.gateway_id),
  }));
}
