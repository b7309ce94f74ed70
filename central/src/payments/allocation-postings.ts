import { smallInt } from '../store/int.js';
import {
  type AllocationRule,
  allocatePayment,
  type DebtCategory,
  openDebts,
  type Posting,
  receivableAccount,
  walletAccount,
} from '@gridbill/shared/ledger';
import type { Kysely } from 'kysely';
import { receivableAccounts } from '../ledger/balances.js';
import type { AccountRow } from '../records/accounts.js';
import type { Database } from '../store/schema.js';

/** Receivable movements of one account, for FIFO open-debt computation. */
async function receivableMoves(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('ledger_postings')
    .select(['ledger_account', 'amount_minor', 'effective_at_ms'])
    .where('ledger_account', 'in', receivableAccounts(accountId))
    .execute();
  return rows.map((r) => ({
    category: r.ledger_account.split(':')[2] as DebtCategory,
    amountMinor: BigInt(r.amount_minor),
    atMs: smallInt(r.effective_at_ms),
  }));
}

/**
 * Credit postings for a payment on an account: postpaid pays debts by the account's rule and
 * keeps any overpayment as receivable credit; prepaid credits the wallet; hybrid pays debts
 * first and tops up the wallet with the rest. Returns postings and the wallet credit.
 */
export async function creditPostings(
  db: Kysely<Database>,
  account: AccountRow,
  amountMinor: bigint,
): Promise<{ postings: Posting[]; walletCreditMinor: bigint }> {
  if (account.mode === 'prepaid') {
    return {
      postings: [{ account: walletAccount(account.id), amountMinor: -amountMinor }],
      walletCreditMinor: amountMinor,
    };
  }
  const debts = openDebts(await receivableMoves(db, account.id));
  const alloc = allocatePayment(amountMinor, debts, account.allocation_rule as AllocationRule);
  const postings: Posting[] = alloc.byCategory.map((c) => ({
    account: receivableAccount(account.id, c.category),
    amountMinor: -c.amountMinor,
  }));
  if (alloc.unappliedMinor === 0n) return { postings, walletCreditMinor: 0n };
  if (account.mode === 'hybrid') {
    postings.push({ account: walletAccount(account.id), amountMinor: -alloc.unappliedMinor });
    return { postings, walletCreditMinor: alloc.unappliedMinor };
  }
  const other = receivableAccount(account.id, 'other');
  const existing = postings.find((p) => p.account === other);
  if (existing) existing.amountMinor -= alloc.unappliedMinor;
  else postings.push({ account: other, amountMinor: -alloc.unappliedMinor });
  return { postings, walletCreditMinor: 0n };
}
