import { DEBT_CATEGORIES, receivableAccount } from '@gridbill/shared/ledger';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Stored (materialised) balance of a ledger account; 0 when it has no postings. */
export async function storedBalance(db: Db, account: string): Promise<bigint> {
  const row = await db
    .selectFrom('ledger_balances')
    .select('balance_minor')
    .where('ledger_account', '=', account)
    .executeTakeFirst();
  return row ? BigInt(row.balance_minor) : 0n;
}

/**
 * Balance at an instant: the sum of postings effective at or before `atMs` (recomputed from
 * postings, not from the stored balance). Several accounts are summed together.
 *
 * @example balanceAt(db, receivableAccounts('A-1'), 1767225600000)  // all categories of A-1
 */
export async function balanceAt(db: Db, account: string | readonly string[], atMs?: number) {
  const accounts = typeof account === 'string' ? [account] : [...account];
  let q = db
    .selectFrom('ledger_postings')
    .select(sql<bigint | null>`sum(amount_minor)`.as('total'))
    .where('ledger_account', 'in', accounts);
  if (atMs !== undefined) q = q.where('effective_at_ms', '<=', BigInt(atMs));
  const row = await q.executeTakeFirst();
  return row?.total == null ? 0n : BigInt(row.total);
}

/** Every receivable account of a customer account (one per debt category). */
export function receivableAccounts(accountId: string): string[] {
  return DEBT_CATEGORIES.map((c) => receivableAccount(accountId, c));
}

/** Stored balances that differ from the sum of their postings (empty when consistent). */
export async function balanceMismatches(
  db: Db,
): Promise<{ account: string; stored: bigint; summed: bigint }[]> {
  const stored = await db.selectFrom('ledger_balances').selectAll().execute();
  const sums = await db
    .selectFrom('ledger_postings')
    .select(['ledger_account', sql<bigint>`sum(amount_minor)`.as('total')])
    .groupBy('ledger_account')
    .execute();
  const summed = new Map(sums.map((s) => [s.ledger_account, BigInt(s.total)]));
  const out: { account: string; stored: bigint; summed: bigint }[] = [];
  for (const s of stored) {
    const sum = summed.get(s.ledger_account) ?? 0n;
    if (BigInt(s.balance_minor) !== sum)
      out.push({ account: s.ledger_account, stored: BigInt(s.balance_minor), summed: sum });
    summed.delete(s.ledger_account);
  }
  for (const [account, sum] of summed) out.push({ account, stored: 0n, summed: sum });
  return out;
}

/** Sum of every posting in the ledger (must be 0). */
export async function globalSum(db: Db): Promise<bigint> {
  const row = await db
    .selectFrom('ledger_postings')
    .select(sql<bigint | null>`sum(amount_minor)`.as('total'))
    .executeTakeFirst();
  return row?.total == null ? 0n : BigInt(row.total);
}
