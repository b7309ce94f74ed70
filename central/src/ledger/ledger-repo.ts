import { smallInt } from '../store/int.js';
import {
  type ChainedEntry,
  chainEntry,
  type EntryDraft,
  validateEntry,
} from '@gridbill/shared/ledger';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { type BulkValue, bulkInsert } from '../sync/bulk-insert.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Raised when an id or external reference already holds a different entry. */
export class LedgerConflictError extends Error {
  constructor(
    readonly field: 'id' | 'externalRef' | 'reversesId',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerConflictError';
  }
}

/** `created` for a new entry; `exists` when the same entry was already posted (a retry). */
export type AppendResult = { status: 'created' | 'exists'; entry: ChainedEntry };

function sameContent(a: EntryDraft, b: EntryDraft): boolean {
  const key = (e: EntryDraft) =>
    JSON.stringify([
      e.kind,
      e.currency,
      e.externalRef ?? null,
      e.reversesId ?? null,
      e.postings.map((p) => [p.account, String(p.amountMinor)]),
    ]);
  return key(a) === key(b);
}

/**
 * Appends an entry inside `trx`: validates it, locks the chain head (an UPDATE, so concurrent
 * writers queue on both backends), links the hash, inserts entry and postings and moves the
 * stored balances. Re-posting the same id or external reference with the same content returns
 * `exists` and changes nothing; with different content it throws `LedgerConflictError`.
 */
export async function appendEntry(
  trx: Transaction<Database>,
  draft: EntryDraft,
  postedAtMs: number,
): Promise<AppendResult> {
  validateEntry(draft);
  const head = await lockHead(trx);
  const prior = await findExisting(trx, draft);
  if (prior) return { status: 'exists', entry: prior };
  const entry = chainEntry(draft, head.hash, head.seq + 1n, postedAtMs);
  await insertChained(trx, [entry]);
  return { status: 'created', entry };
}

async function findExisting(trx: Db, draft: EntryDraft): Promise<ChainedEntry | undefined> {
  const byId = await getEntry(trx, draft.id);
  if (byId) {
    if (!sameContent(byId, draft)) {
      throw new LedgerConflictError('id', `entry ${draft.id} already posted with other content`);
    }
    return byId;
  }
  if (draft.externalRef) {
    const row = await trx
      .selectFrom('ledger_entries')
      .select('id')
      .where('external_ref', '=', draft.externalRef)
      .executeTakeFirst();
    if (row) {
      throw new LedgerConflictError('externalRef', `${draft.externalRef} already posted`);
    }
  }
  if (draft.reversesId) {
    const row = await trx
      .selectFrom('ledger_entries')
      .select('id')
      .where('reverses_id', '=', draft.reversesId)
      .executeTakeFirst();
    if (row) throw new LedgerConflictError('reversesId', `${draft.reversesId} already reversed`);
  }
  return undefined;
}

/** Locks the chain head (an UPDATE, so writers queue on both backends) and reads it. */
export async function lockHead(trx: Transaction<Database>): Promise<{ seq: bigint; hash: string }> {
  const head = await trx
    .updateTable('ledger_head')
    .set((eb) => ({ seq: eb.ref('seq') }))
    .where('id', '=', 1n)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  return { seq: BigInt(head.seq), hash: head.hash };
}

const CHUNK = 400;

async function insertChunks<T extends keyof Database>(
  trx: Transaction<Database>,
  table: T,
  rows: Database[T][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}

/** Rows per multi-row statement for postings and balances (5 and 3 columns). */
const BULK_ROWS = 1000;

/**
 * Inserts already chained entries (consecutive seqs after the locked head), their postings,
 * the balance moves (one upsert per account) and the new head, in a few statements: entries
 * through Kysely, postings and balance upserts as multi-row SQL texts (`bulkInsert`), since a
 * block's entry carries one posting per account.
 * Example: one entry with postings [receivable:a1:energy +8, revenue:energy −8] → 1 entry row,
 *   2 posting rows, balances a1 += 8 and revenue −= 8, head = that entry's seq and hash.
 */
export async function insertChained(trx: Transaction<Database>, entries: ChainedEntry[]) {
  if (entries.length === 0) return;
  const raw = trx as unknown as Transaction<unknown>;
  await insertChunks(trx, 'ledger_entries', entries.map(entryRow));
  const postings = entries.flatMap(postingValues);
  for (let i = 0; i < postings.length; i += BULK_ROWS) {
    await bulkInsert(raw, 'ledger_postings', POSTING_COLUMNS, postings.slice(i, i + BULK_ROWS));
  }
  const moves = balanceMoves(entries);
  for (let i = 0; i < moves.length; i += BULK_ROWS) {
    await bulkInsert(raw, 'ledger_balances', BALANCE_COLUMNS, moves.slice(i, i + BULK_ROWS), ADD);
  }
  const last = entries[entries.length - 1]!;
  await trx
    .updateTable('ledger_head')
    .set({ seq: last.seq, hash: last.hash })
    .where('id', '=', 1n)
    .execute();
}

const POSTING_COLUMNS = [
  'entry_id',
  'line_no',
  'ledger_account',
  'amount_minor',
  'effective_at_ms',
] as const;
const BALANCE_COLUMNS = ['ledger_account', 'currency', 'balance_minor'] as const;
const ADD =
  'on conflict ("ledger_account") do update set ' +
  '"balance_minor" = "ledger_balances"."balance_minor" + excluded."balance_minor"';

function postingValues(e: ChainedEntry): BulkValue[][] {
  const at = BigInt(e.effectiveAtMs);
  return e.postings.map((p, i) => [e.id, BigInt(i), p.account, p.amountMinor, at]);
}

/** One net move per account over all entries: [account, currency, delta]. */
function balanceMoves(entries: readonly ChainedEntry[]): BulkValue[][] {
  const moves = new Map<string, { currency: string; delta: bigint }>();
  for (const e of entries) {
    for (const p of e.postings) {
      const m = moves.get(p.account);
      if (m) m.delta += p.amountMinor;
      else moves.set(p.account, { currency: e.currency, delta: p.amountMinor });
    }
  }
  return [...moves].map(([account, m]) => [account, m.currency, m.delta]);
}

function entryRow(e: ChainedEntry): Database['ledger_entries'] {
  return {
    id: e.id,
    seq: e.seq,
    kind: e.kind,
    currency: e.currency,
    effective_at_ms: BigInt(e.effectiveAtMs),
    posted_at_ms: BigInt(e.postedAtMs),
    external_ref: e.externalRef ?? null,
    reverses_id: e.reversesId ?? null,
    reason_code: e.reasonCode ?? null,
    memo: e.memo ?? '',
    actor_id: e.actorId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

type EntryRow = Database['ledger_entries'];
type PostingRow = Pick<Database['ledger_postings'], 'entry_id' | 'ledger_account' | 'amount_minor'>;

function toEntry(r: EntryRow, postings: PostingRow[]): ChainedEntry {
  return {
    id: r.id,
    seq: BigInt(r.seq),
    kind: r.kind,
    currency: r.currency,
    effectiveAtMs: smallInt(r.effective_at_ms),
    postedAtMs: smallInt(r.posted_at_ms),
    externalRef: r.external_ref,
    reversesId: r.reverses_id,
    reasonCode: r.reason_code,
    memo: r.memo,
    actorId: r.actor_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    postings: postings.map((p) => ({
      account: p.ledger_account,
      amountMinor: BigInt(p.amount_minor),
    })),
  };
}

/** One entry with its postings, or undefined. */
export async function getEntry(db: Db, id: string): Promise<ChainedEntry | undefined> {
  const row = await db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const postings = await db
    .selectFrom('ledger_postings')
    .select(['entry_id', 'ledger_account', 'amount_minor'])
    .where('entry_id', '=', id)
    .orderBy('line_no')
    .execute();
  return toEntry(row, postings);
}

/** Entries in seq order, `pageSize` at a time (for chain verification and export). */
export async function* entriesInOrder(db: Db, pageSize = 500): AsyncGenerator<ChainedEntry> {
  let after = 0n;
  for (;;) {
    const rows = await db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const postings = await db
      .selectFrom('ledger_postings')
      .select(['entry_id', 'ledger_account', 'amount_minor', 'line_no'])
      .where('entry_id', 'in', ids)
      .orderBy('entry_id')
      .orderBy('line_no')
      .execute();
    const byEntry = new Map<string, PostingRow[]>();
    for (const p of postings) byEntry.set(p.entry_id, [...(byEntry.get(p.entry_id) ?? []), p]);
    for (const r of rows) yield toEntry(r, byEntry.get(r.id) ?? []);
    after = BigInt(rows[rows.length - 1]!.seq);
  }
}
