import { contentId } from '@gridbill/shared/ids';
import {
  type ALLOCATION_RULES,
  customerBalanceMinor,
  DEBT_CATEGORIES,
  type EntryDraft,
  receivableAccount,
  walletAccount,
} from '@gridbill/shared/ledger';
import { currencyExponent } from '@gridbill/shared/money';
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import { balanceAt, receivableAccounts } from '../ledger/balances.js';
import { appendEntry } from '../ledger/ledger-repo.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { mustExist } from './customers.js';
import { auditedWrite } from './write.js';

export const ACCOUNT_MODES = ['prepaid', 'postpaid', 'hybrid'] as const;
export type AccountMode = (typeof ACCOUNT_MODES)[number];

export interface AccountInput {
  number: string;
  customerId: string;
  premiseId: string | null;
  currency: string;
  mode: AccountMode;
  allocationRule: (typeof ALLOCATION_RULES)[number];
}

export function addAccount(ctx: AppContext, actor: Actor, input: AccountInput) {
  try {
    currencyExponent(input.currency);
  } catch {
    throw new Problem(
      422,
      'unknown-currency',
      `${input.currency} is not an ISO 4217 code`,
      '/currency',
    );
  }
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'account.add', async (trx) => {
    await mustExist(trx, 'customers', input.customerId, 'customer', '/customerId');
    if (input.premiseId) await mustExist(trx, 'premises', input.premiseId, 'premise', '/premiseId');
    const dup = await trx
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', input.number)
      .executeTakeFirst();
    if (dup)
      throw new Problem(
        409,
        'duplicate-account-number',
        `account ${input.number} exists`,
        '/number',
      );
    await trx
      .insertInto('accounts')
      .values({
        id,
        number: input.number,
        customer_id: input.customerId,
        premise_id: input.premiseId,
        currency: input.currency,
        mode: input.mode,
        allocation_rule: input.allocationRule,
        tariff_id: null,
        created_at_ms: BigInt(ctx.clock.wallMs()),
      })
      .execute();
    return { result: { id, ...input }, target: `account:${id}`, accountId: id };
  });
}

export type AccountRow = Database['accounts'];

export async function findAccount(
  db: Kysely<Database>,
  idOrNumber: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .executeTakeFirst();
}

/** Customer-facing balance (positive = in credit) and arrears (owed, ≥ 0) at an instant. */
export async function accountBalance(db: Kysely<Database>, accountId: string, atMs?: number) {
  const receivable = await balanceAt(db, receivableAccounts(accountId), atMs);
  const wallet = await balanceAt(db, walletAccount(accountId), atMs);
  const balanceMinor = customerBalanceMinor(receivable, wallet);
  return { balanceMinor, arrearsMinor: receivable > 0n ? receivable : 0n, receivable, wallet };
}

/** Postings that move balances from one mode's accounts to the other's. */
async function settlement(trx: Kysely<Database>, a: AccountRow, to: AccountMode) {
  const postings: EntryDraft['postings'] = [];
  if (to === 'postpaid') {
    const w = await balanceAt(trx, walletAccount(a.id));
    if (w !== 0n)
      postings.push(
        { account: walletAccount(a.id), amountMinor: -w },
        { account: receivableAccount(a.id, 'other'), amountMinor: w },
      );
  } else if (to === 'prepaid') {
    let total = 0n;
    for (const c of DEBT_CATEGORIES) {
      const r = await balanceAt(trx, receivableAccount(a.id, c));
      if (r === 0n) continue;
      postings.push({ account: receivableAccount(a.id, c), amountMinor: -r });
      total += r;
    }
    if (total !== 0n) postings.push({ account: walletAccount(a.id), amountMinor: total });
  }
  return postings.filter((p) => p.amountMinor !== 0n);
}

/**
 * Switches payment mode with an effective time; balances move in one settlement entry
 * (prepaid → postpaid: wallet credit becomes receivable credit; postpaid → prepaid: debts
 * move into the wallet as a negative balance).
 */
export function switchMode(
  ctx: AppContext,
  actor: Actor,
  accountId: string,
  to: AccountMode,
  effectiveAtMs: number,
) {
  return auditedWrite(ctx, actor, 'account.mode-switch', async (trx: Transaction<Database>) => {
    const a = await findAccount(trx, accountId);
    if (!a) throw notFound('account', accountId);
    if (a.mode === to) throw new Problem(409, 'same-mode', `account is already ${to}`, '/mode');
    const postings = await settlement(trx, a, to);
    const entryId = contentId('mode-settlement', a.id, effectiveAtMs, to);
    if (postings.length >= 2) {
      const draft: EntryDraft = {
        id: entryId,
        kind: 'mode-settlement',
        currency: a.currency,
        effectiveAtMs,
        postings,
        memo: `${a.mode} → ${to}`,
        actorId: actor.userId,
      };
      await appendEntry(trx, draft, ctx.clock.wallMs());
    }
    const settlementEntryId = postings.length >= 2 ? entryId : null;
    await trx
      .insertInto('account_mode_changes')
      .values({
        id: ctx.newId(),
        account_id: a.id,
        from_mode: a.mode,
        to_mode: to,
        effective_at_ms: BigInt(effectiveAtMs),
        settlement_entry_id: settlementEntryId,
      })
      .execute();
    await trx.updateTable('accounts').set({ mode: to }).where('id', '=', a.id).execute();
    const result = { accountId: a.id, from: a.mode, to, effectiveAtMs, settlementEntryId };
    return { result, target: `account:${a.id}`, accountId: a.id };
  });
}

/**
 * Ledger timeline of an account (receivable and wallet postings), oldest first, with the
 * customer-facing running balance after each entry and the reason code.
 */
export async function accountTimeline(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('ledger_postings')
    .innerJoin('ledger_entries', 'ledger_entries.id', 'ledger_postings.entry_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.seq',
      'ledger_entries.kind',
      'ledger_entries.effective_at_ms',
      'ledger_entries.reason_code',
      'ledger_entries.memo',
      'ledger_postings.amount_minor',
    ])
    .where((eb) =>
      eb.or([
        eb('ledger_account', 'in', receivableAccounts(accountId)),
        eb('ledger_account', '=', walletAccount(accountId)),
      ]),
    )
    .orderBy('ledger_entries.effective_at_ms')
    .orderBy('ledger_entries.seq')
    .execute();
  const byEntry = new Map<
    string,
    {
      id: string;
      kind: string;
      atMs: number;
      reasonCode: string | null;
      memo: string;
      amountMinor: bigint;
    }
  >();
  for (const r of rows) {
    const cur = byEntry.get(r.id);
    const delta = -BigInt(r.amount_minor);
    if (cur) cur.amountMinor += delta;
    else
      byEntry.set(r.id, {
        id: r.id,
        kind: r.kind,
        atMs: Number(r.effective_at_ms),
        reasonCode: r.reason_code,
        memo: r.memo,
        amountMinor: delta,
      });
  }
  let running = 0n;
  return [...byEntry.values()].map((e) => {
    running += e.amountMinor;
    return { ...e, balanceAfterMinor: running };
  });
}
