import { smallInt } from '../store/int.js';
import { contentId } from '@gridbill/shared/ids';
import { type EntryDraft, SUSPENSE } from '@gridbill/shared/ledger';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import { appendEntry } from '../ledger/ledger-repo.js';
import { findAccount } from '../records/accounts.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { creditPostings } from './allocation-postings.js';

/** Payments waiting in suspense, oldest first. */
export async function suspenseQueue(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('status', '=', 'suspense')
    .orderBy('received_at_ms')
    .execute();
  return rows.map((r) => ({
    paymentId: r.id,
    channel: r.channel,
    provider: r.provider,
    providerTxnId: r.provider_txn_id,
    amountMinor: BigInt(r.amount_minor).toString(),
    currency: r.currency,
    receivedAtMs: smallInt(r.received_at_ms),
  }));
}

/** Moves a suspense payment onto an account (Dr suspense, Cr receivable/wallet). */
export function matchSuspense(
  ctx: AppContext,
  actor: Actor,
  paymentId: string,
  accountRef: string,
) {
  return auditedWrite(ctx, actor, 'payment.suspense-match', async (trx) => {
    const pay = await trx
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', paymentId)
      .executeTakeFirst();
    if (!pay) throw notFound('payment', paymentId);
    if (pay.status !== 'suspense')
      throw new Problem(409, 'not-in-suspense', `payment ${paymentId} is ${pay.status}`);
    const account = await findAccount(trx, accountRef);
    if (!account) throw notFound('account', accountRef, '/accountNumber');
    if (account.currency !== pay.currency)
      throw new Problem(422, 'currency-mismatch', 'account currency differs', '/accountNumber');
    const amount = BigInt(pay.amount_minor);
    const { postings } = await creditPostings(trx, account, amount);
    const nowMs = ctx.clock.wallMs();
    const draft: EntryDraft = {
      id: contentId('suspense-match', paymentId),
      kind: 'suspense-match',
      currency: pay.currency,
      effectiveAtMs: nowMs,
      postings: [{ account: SUSPENSE, amountMinor: amount }, ...postings],
      memo: `suspense ${paymentId} → ${account.number}`,
      actorId: actor.userId,
    };
    await appendEntry(trx, draft, nowMs);
    await trx
      .updateTable('payments')
      .set({ status: 'posted', account_id: account.id })
      .where('id', '=', paymentId)
      .execute();
    return {
      result: { paymentId, accountId: account.id, entryId: draft.id },
      target: `payment:${paymentId}`,
      accountId: account.id,
    };
  });
}
