import type { StreamState } from '@gridbill/shared/sync';
import type { SyncTrx } from './sync-schema.js';

/** Stored stream of one gateway, or null before first contact. */
export async function loadStream(trx: SyncTrx, gatewayId: string): Promise<StreamState | null> {
  const row = await trx
    .selectFrom('sync_streams')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    incarnation: row.incarnation,
    ackedThroughSeq: Number(row.acked_through_seq),
    retiredIncarnations: JSON.parse(row.retired) as string[],
  };
}

export interface StreamWrite {
  gatewayId: string;
  state: StreamState;
  headSeq: number;
  lastContactMs: number;
  oldestPendingMs: number;
}

export async function saveStream(trx: SyncTrx, w: StreamWrite): Promise<void> {
  const row = {
    gateway_id: w.gatewayId,
    incarnation: w.state.incarnation,
    acked_through_seq: BigInt(w.state.ackedThroughSeq),
    head_seq: BigInt(w.headSeq),
    retired: JSON.stringify(w.state.retiredIncarnations),
    last_contact_ms: BigInt(w.lastContactMs),
    oldest_pending_ms: BigInt(w.oldestPendingMs),
  };
  await trx
    .insertInto('sync_streams')
    .values(row)
    .onConflict((oc) =>
      oc.column('gateway_id').doUpdateSet({
        incarnation: row.incarnation,
        acked_through_seq: row.acked_through_seq,
        head_seq: row.head_seq,
        retired: row.retired,
        last_contact_ms: row.last_contact_ms,
        oldest_pending_ms: row.oldest_pending_ms,
      }),
    )
    .execute();
}

/** Longest run one batch can write (MAX_BATCH_EVENTS). */
const MAX_RUN = 5000;

/**
 * Stored content hashes for seqs `fromSeq..throughSeq` of an incarnation, read from the
 * per-batch hash runs (one row per committed batch, 32 bytes per seq).
 */
export async function loadHashes(
  trx: SyncTrx,
  gatewayId: string,
  incarnation: string,
  fromSeq: number,
  throughSeq: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (throughSeq < fromSeq) return out;
  const runs = await trx
    .selectFrom('sync_hash_runs')
    .select(['from_seq', 'count', 'hashes'])
    .where('gateway_id', '=', gatewayId)
    .where('incarnation', '=', incarnation)
    .where('from_seq', '>', BigInt(fromSeq - MAX_RUN))
    .where('from_seq', '<=', BigInt(throughSeq))
    .execute();
  for (const run of runs) {
    const first = Number(run.from_seq);
    const bytes = Buffer.from(run.hashes);
    for (let i = 0; i < Number(run.count); i += 1) {
      const seq = first + i;
      if (seq >= fromSeq && seq <= throughSeq)
        out.set(seq, bytes.subarray(i * 32, i * 32 + 32).toString('hex'));
    }
  }
  return out;
}

/** Stores the hashes of a contiguous run of fresh seqs as one row. */
export async function storeHashes(
  trx: SyncTrx,
  gatewayId: string,
  incarnation: string,
  hashes: { seq: number; hash: string }[],
): Promise<void> {
  const first = hashes[0];
  if (!first) return;
  await trx
    .insertInto('sync_hash_runs')
    .values({
      gateway_id: gatewayId,
      incarnation,
      from_seq: BigInt(first.seq),
      count: BigInt(hashes.length),
      hashes: Buffer.from(hashes.map((h) => h.hash).join(''), 'hex'),
    })
    .execute();
}

/** Records a sync alarm (divergence, regression, retired incarnation, interval conflict). */
export async function raiseAlarm(
  trx: SyncTrx,
  a: { id: string; gatewayId: string; kind: string; detail: string; atMs: number },
): Promise<void> {
  await trx
    .insertInto('sync_alarms')
    .values({
      id: a.id,
      gateway_id: a.gatewayId,
      kind: a.kind,
      detail: a.detail,
      at_ms: BigInt(a.atMs),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
