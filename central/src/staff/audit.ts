import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** Who did it, why, with what comment: required on every write. */
export interface Actor {
  userId: string;
  reason: string;
  comment: string;
}

export interface AuditRecord {
  id: string;
  atMs: number;
  action: string;
  accountId?: string | null;
  target: string;
  details?: Record<string, unknown>;
}

const toText = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** Appends an audit row in the same transaction as the change it describes. */
export async function writeAudit(trx: Transaction<Database>, actor: Actor, r: AuditRecord) {
  await trx
    .insertInto('audit_log')
    .values({
      id: r.id,
      at_ms: BigInt(r.atMs),
      actor_id: actor.userId,
      action: r.action,
      account_id: r.accountId ?? null,
      target: r.target,
      reason: actor.reason,
      comment: actor.comment,
      details: toText(r.details ?? {}),
    })
    .execute();
}

/** Audit rows, newest first, filtered by account and/or user. */
export async function searchAudit(
  db: Kysely<Database>,
  q: { accountId?: string; userId?: string; limit?: number },
) {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.accountId) query = query.where('account_id', '=', q.accountId);
  if (q.userId) query = query.where('actor_id', '=', q.userId);
  const rows = await query
    .orderBy('at_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    atMs: Number(r.at_ms),
    actorId: r.actor_id,
    action: r.action,
    accountId: r.account_id,
    target: r.target,
    reason: r.reason,
    comment: r.comment,
    details: JSON.parse(r.details) as unknown,
  }));
}
