import type { Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { type Actor, writeAudit } from '../staff/audit.js';
import type { Database } from '../store/schema.js';

/**
 * Runs one audited write through the group committer: the change and its audit row commit
 * together, or neither does.
 */
export function auditedWrite<T>(
  ctx: AppContext,
  actor: Actor,
  action: string,
  work: (trx: Transaction<Database>) => Promise<{
    result: T;
    target: string;
    accountId?: string | null;
    details?: Record<string, unknown>;
  }>,
): Promise<T> {
  const auditId = ctx.newId();
  return ctx.committer.run(async (trx) => {
    const out = await work(trx);
    await writeAudit(trx, actor, {
      id: auditId,
      atMs: ctx.clock.wallMs(),
      action,
      accountId: out.accountId ?? null,
      target: out.target,
      details: out.details,
    });
    return out.result;
  });
}
