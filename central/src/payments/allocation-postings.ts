import { smallInt } from '../store/int.js';
import {
  type AllocationRule,
  allocatePayment,
  type DebtCategory,
  openDebts,
  type Posting,
  type ReceivableMove,
  receivableAccount,
  walletAccount,
} from '@gridbill/shared/ledger';
import type { Kysely } from 'kysely';
import { receivableAccounts } from '../ledger/balances.js';
import type { AccountRow } from '../records/accounts.js';
import type { Database } from '../store/schema.js';

/** Receivable movements of accounts (by account id), for FIFO open-debt computation. */
export async function receivableMoves(
  db: Kysely<Database>,
  accountIds: readonly string[],
): Promise<Map<string, ReceivableMove[]>> {
  const out = new Map<string, ReceivableMove[]>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('ledger_postings')
    .select(['ledger_account', 'amount_minor', 'effective_at_ms'])
    .where('ledger_account', 'in', accountIds.flatMap(receivableAccounts))
    .execute();
  for (const r of rows) {
    const [, accountId = '', category] = r.ledger_account.split(':');
    const list = out.get(accountId) ?? [];
    list.push({
      category: category as DebtCategory,
      amountMinor: BigInt(r.amount_minor),
      atMs: smallInt(r.effective_at_ms),
    });
    out.set(accountId, list);
  }
  return out;
}

/**
 * Receivable movements of the accounts that owe something. Open debt per category is the
 * FIFO of its debits less its credits, so a category owes only while its balance is positive:
 * accounts whose stored receivable balances are all ≤ 0 owe nothing and their history is not
 * read (one small SELECT on `ledger_balances` instead of every past posting).
 *
 * @example debtorMoves(db, ['a-1', 'a-2'])  // a-1 owes 50 energy, a-2 is in credit
 *   // Map { 'a-1' => [{ category: 'energy', amountMinor: 50n, atMs: … }, …] }
 */
export async function debtorMoves(
  db: Kysely<Database>,
  accountIds: readonly string[],
): Promise<Map<string, ReceivableMove[]>> {
  if (accountIds.length === 0) return new Map();
  const owing = new Set<string>();
  const all = accountIds.flatMap(receivableAccounts);
  for (let i = 0; i < all.length; i += 400) {
    const rows = await db
      .selectFrom('ledger_balances')
      .select('ledger_account')
      .where('ledger_account', 'in', all.slice(i, i + 400))
      .where('balance_minor', '>', 0n)
      .execute();
    for (const r of rows) owing.add(r.ledger_account.split(':')[1] ?? '');
  }
  return receivableMoves(db, [...owing]);
}

/**
 * Credit postings for a payment on an account, given its receivable movements: postpaid pays
 * debts by the account's rule and keeps any overpayment as receivable credit; prepaid credits
 * the wallet; hybrid pays debts first and tops up the wallet with the rest.
 *
 * @example creditPostingsFrom(postpaidAccount, 70n, [{ category: 'energy', amountMinor: 50n,
 *   atMs: 1 }]).postings
 *   // [{ account: 'receivable:<id>:energy', amountMinor: -50n },
 *   //  { account: 'receivable:<id>:other', amountMinor: -20n }]
 */
export function creditPostingsFrom(
  account: AccountRow,
  amountMinor: bigint,
  moves: readonly ReceivableMove[],
): { postings: Posting[]; walletCreditMinor: bigint } {
  if (account.mode === 'prepaid') {
    const wallet = { account: walletAccount(account.id), amountMinor: -amountMinor };
    return { postings: [wallet], walletCreditMinor: amountMinor };
  }
  const debts = openDebts(moves);
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

/** Credit postings for one payment, reading the account's receivable movements. */
export async function creditPostings(
  db: Kysely<Database>,
  account: AccountRow,
  amountMinor: bigint,
) {
  const moves = account.mode === 'prepaid' ? new Map() : await debtorMoves(db, [account.id]);
  return creditPostingsFrom(account, amountMinor, moves.get(account.id) ?? []);
}
