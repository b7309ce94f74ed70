import { contentId } from '@gridbill/shared/ids';
import { Problem } from '../app/problem.js';
import type { AccountRow } from '../records/accounts.js';
import { isStaffed } from './channels.js';
import { requestHashOf } from './idempotency.js';
import type { PaymentInput } from './payment-types.js';

export const FUTURE_SKEW_MS = 5 * 60_000;

/** Payment id (= ledger entry id = top-up token id) from the provider's identity of it. */
export const paymentIdOf = (provider: string, providerTxnId: string): string =>
  contentId('payment', provider, providerTxnId);

/** What makes two reports of one provider transaction the same money (channel may differ). */
export const moneyHashOf = (p: PaymentInput): string =>
  requestHashOf({
    amountMinor: p.amountMinor,
    currency: p.currency,
    account: p.accountNumber ?? '',
  });

/** Refuses a payment dated beyond the allowed clock skew. */
export function checkReceivedAt(p: PaymentInput, nowMs: number): number {
  const at = p.receivedAtMs ?? nowMs;
  if (at > nowMs + FUTURE_SKEW_MS) {
    throw new Problem(422, 'future-payment', 'receivedAtMs is in the future', '/receivedAtMs');
  }
  return at;
}

/**
 * The account a payment credits, or undefined for suspense. Staffed channels must name a
 * known account; the currency must match the account's.
 */
export function checkAccount(p: PaymentInput, account: AccountRow | undefined) {
  if (!account && isStaffed(p.channel)) {
    const what = p.accountNumber
      ? `account ${p.accountNumber} does not exist`
      : 'accountNumber is required';
    throw new Problem(422, 'unknown-account', `${what} (channel ${p.channel})`, '/accountNumber');
  }
  if (account && account.currency !== p.currency) {
    const detail = `account ${account.number} is in ${account.currency}, payment is ${p.currency}`;
    throw new Problem(422, 'currency-mismatch', detail, '/currency');
  }
  return account;
}

/** A second report of a recorded provider transaction must carry the same money. */
export function checkSameMoney(p: PaymentInput, storedHash: string, moneyHash: string): void {
  if (storedHash !== moneyHash) {
    const txn = `${p.provider} transaction ${p.providerTxnId}`;
    const detail = `${txn} is already recorded with different details`;
    throw new Problem(409, 'provider-transaction-conflict', detail, '/providerTxnId');
  }
}
