import { smallInt } from '../store/int.js';
import { contentId } from '@gridbill/shared/ids';
import { cashAccount, type EntryDraft, type Posting, SUSPENSE } from '@gridbill/shared/ledger';
import type { Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { appendEntry } from '../ledger/ledger-repo.js';
import { type AccountRow, findAccount } from '../records/accounts.js';
import { type Actor, writeAudit } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { creditPostings } from './allocation-postings.js';
import { isStaffed } from './channels.js';
import { requestHashOf } from './idempotency.js';
import type { PaymentInput, PaymentResult } from './payment-types.js';
import { issueTopUp } from './topup.js';

const FUTURE_SKEW_MS = 5 * 60_000;

/** Payment id (= ledger entry id = top-up token id) from the provider's identity of it. */
export const paymentIdOf = (provider: string, providerTxnId: string): string =>
  contentId('payment', provider, providerTxnId);

async function resolveAccount(trx: Transaction<Database>, p: PaymentInput) {
  const account = p.accountNumber ? await findAccount(trx, p.accountNumber) : undefined;
  if (!account && isStaffed(p.channel)) {
    const what = p.accountNumber
      ? `account ${p.accountNumber} does not exist`
      : 'accountNumber is required';
    throw new Problem(422, 'unknown-account', `${what} (channel ${p.channel})`, '/accountNumber');
  }
  if (account && account.currency !== p.currency) {
    throw new Problem(
      422,
      'currency-mismatch',
      `account ${account.number} is in ${account.currency}, payment is ${p.currency}`,
      '/currency',
    );
  }
  return account;
}

/** What makes two reports of one provider transaction the same money (channel may differ). */
const moneyHashOf = (p: PaymentInput): string =>
  requestHashOf({
    amountMinor: p.amountMinor,
    currency: p.currency,
    account: p.accountNumber ?? '',
  });

/** Previously recorded payment for the same provider transaction: replay or conflict. */
async function existingPayment(trx: Transaction<Database>, p: PaymentInput, requestHash: string) {
  const row = await trx
    .selectFrom('payments')
    .selectAll()
    .where('provider', '=', p.provider)
    .where('provider_txn_id', '=', p.providerTxnId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== requestHash) {
    throw new Problem(
      409,
      'provider-transaction-conflict',
      `${p.provider} transaction ${p.providerTxnId} is already recorded with different details`,
      '/providerTxnId',
    );
  }
  return row;
}

/**
 * Posts one payment inside `trx`: claims the provider transaction id (unique forever), posts
 * the ledger entry (cash debit; receivable/wallet/suspense credits), issues a top-up token for
 * wallet credit, and writes the audit row. A second post of the same provider transaction
 * with the same details returns the first result with `duplicate: true`.
 */
export async function postPayment(
  ctx: AppContext,
  trx: Transaction<Database>,
  p: PaymentInput,
  actor: Actor,
): Promise<PaymentResult> {
  const requestHash = moneyHashOf(p);
  const nowMs = ctx.clock.wallMs();
  const receivedAtMs = p.receivedAtMs ?? nowMs;
  if (receivedAtMs > nowMs + FUTURE_SKEW_MS) {
    throw new Problem(422, 'future-payment', 'receivedAtMs is in the future', '/receivedAtMs');
  }
  const prior = await existingPayment(trx, p, requestHash);
  if (prior) return replay(trx, prior);
  const account = await resolveAccount(trx, p);
  const id = paymentIdOf(p.provider, p.providerTxnId);
  const { postings, walletCreditMinor } = await credits(trx, account, p.amountMinor);
  const entry: EntryDraft = {
    id,
    kind: 'payment',
    currency: p.currency,
    effectiveAtMs: receivedAtMs,
    externalRef: `${p.provider}:${p.providerTxnId}`,
    postings: [{ account: cashAccount(p.channel), amountMinor: p.amountMinor }, ...postings],
    memo: `${p.channel} payment`,
    actorId: actor.userId,
  };
  const status = account ? 'posted' : 'suspense';
  await trx
    .insertInto('payments')
    .values({
      id,
      channel: p.channel,
      provider: p.provider,
      provider_txn_id: p.providerTxnId,
      account_id: account?.id ?? null,
      amount_minor: p.amountMinor,
      currency: p.currency,
      status,
      entry_id: id,
      received_at_ms: BigInt(receivedAtMs),
      cashier_id: actor.userId,
      request_hash: requestHash,
    })
    .execute();
  await appendEntry(trx, entry, nowMs);
  const topup =
    account && walletCreditMinor > 0n
      ? await issueTopUp(ctx, trx, {
          entryId: id,
          accountId: account.id,
          premiseId: account.premise_id,
          amountMinor: walletCreditMinor,
          currency: p.currency,
        })
      : null;
  await writeAudit(trx, actor, {
    id: contentId('audit', 'payment', id),
    atMs: nowMs,
    action: `payment.${status}`,
    accountId: account?.id ?? null,
    target: `payment:${id}`,
    details: { amountMinor: p.amountMinor, channel: p.channel },
  });
  return {
    paymentId: id,
    entryId: id,
    status,
    accountId: account?.id ?? null,
    channel: p.channel,
    provider: p.provider,
    providerTxnId: p.providerTxnId,
    amountMinor: p.amountMinor.toString(),
    currency: p.currency,
    receivedAtMs,
    allocation: postings.map((x) => ({
      account: x.account,
      amountMinor: (-x.amountMinor).toString(),
    })),
    topup,
    duplicate: false,
  };
}

async function credits(
  trx: Transaction<Database>,
  account: AccountRow | undefined,
  amountMinor: bigint,
) {
  if (!account) {
    const postings: Posting[] = [{ account: SUSPENSE, amountMinor: -amountMinor }];
    return { postings, walletCreditMinor: 0n };
  }
  return creditPostings(trx, account, amountMinor);
}

/** Rebuilds the result of a recorded payment from the ledger and top-up rows. */
export async function replay(
  trx: Transaction<Database>,
  row: Database['payments'],
): Promise<PaymentResult> {
  const postings = await trx
    .selectFrom('ledger_postings')
    .select(['ledger_account', 'amount_minor'])
    .where('entry_id', '=', row.entry_id)
    .orderBy('line_no')
    .execute();
  const top = await trx
    .selectFrom('topups')
    .selectAll()
    .where('id', '=', row.entry_id)
    .executeTakeFirst();
  const topupAmount = postings.find((p) => p.ledger_account.startsWith('wallet:'))?.amount_minor;
  return {
    paymentId: row.id,
    entryId: row.entry_id,
    status: row.status as PaymentResult['status'],
    accountId: row.account_id,
    channel: row.channel as PaymentResult['channel'],
    provider: row.provider,
    providerTxnId: row.provider_txn_id,
    amountMinor: BigInt(row.amount_minor).toString(),
    currency: row.currency,
    receivedAtMs: smallInt(row.received_at_ms),
    allocation: postings.slice(1).map((x) => ({
      account: x.ledger_account,
      amountMinor: (-BigInt(x.amount_minor)).toString(),
    })),
    topup: top
      ? {
          tokenId: top.id,
          token: top.token,
          gatewayId: top.gateway_id,
          amountMinor: (-BigInt(topupAmount ?? 0n)).toString(),
          expiresAtMs: smallInt(top.expires_at_ms),
        }
      : null,
    duplicate: true,
  };
}
