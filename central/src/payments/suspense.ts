import { smallInt } from '../store/int.js';
import { contentId } from '@gridbill/shared/ids';
import { type EntryDraft, SUSPENSE } from '@gridbill/shared/ledger';
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import { appendEntry } from '../ledger/ledger-repo.js';
import { type AccountRow, findAccount } from '../records/accounts.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { creditPostings } from './allocation-postings.js';
import { gatewayOfPremise, signTopUp } from './topup.js';

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

/** A wallet credit gets an offline token (id = the matching entry id) when a gateway serves it. */
async function walletTopUp(
  ctx: AppContext,
  trx: Transaction<Database>,
  account: AccountRow,
  entryId: string,
  amountMinor: bigint,
) {
  if (amountMinor <= 0n) return null;
  const gatewayId = await gatewayOfPremise(trx, account.premise_id);
  if (!gatewayId) return null;
  const issue = {
    entryId,
    accountId: account.id,
    gatewayId,
    amountMinor,
    currency: account.currency,
  };
  const { row, result } = signTopUp(ctx, issue);
  await trx.insertInto('topups').values(row).execute();
  return result;
}

/**
 * Moves a suspense payment onto an account (Dr suspense, Cr receivable/wallet); a wallet
 * credit issues a top-up token like a direct payment would.
 */
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
    const { postings, walletCreditMinor } = await creditPostings(trx, account, amount);
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
    const topup = await walletTopUp(ctx, trx, account, draft.id, walletCreditMinor);
    await trx
      .updateTable('payments')
      .set({ status: 'posted', account_id: account.id })
      .where('id', '=', paymentId)
      .execute();
    return {
      result: { paymentId, accountId: account.id, entryId: draft.id, topup },
      target: `payment:${paymentId}`,
      accountId: account.id,
    };
  });
}
