import { smallInt } from '../store/int.js';
import {
  type ChainedEntry,
  chainEntry,
  type EntryDraft,
  validateEntry,
} from '@gridbill/shared/ledger';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

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

/**
 * Inserts already chained entries (consecutive seqs after the locked head), their postings,
 * the balance moves (one upsert per account) and the new head, in a few statements.
 */
export async function insertChained(trx: Transaction<Database>, entries: ChainedEntry[]) {
  if (entries.length === 0) return;
  await insertChunks(trx, 'ledger_entries', entries.map(entryRow));
  await insertChunks(trx, 'ledger_postings', entries.flatMap(postingRows));
  const moves = new Map<string, { currency: string; delta: bigint }>();
  for (const e of entries) {
    for (const p of e.postings) {
      const m = moves.get(p.account) ?? { currency: e.currency, delta: 0n };
      m.delta += p.amountMinor;
      moves.set(p.account, m);
    }
  }
  const rows = [...moves].map(([account, m]) => ({
    ledger_account: account,
    currency: m.currency,
    balance_minor: m.delta,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('ledger_balances')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column('ledger_account').doUpdateSet((eb) => ({
          balance_minor: eb('ledger_balances.balance_minor', '+', eb.ref('excluded.balance_minor')),
        })),
      )
      .execute();
  }
  const last = entries[entries.length - 1]!;
  await trx
    .updateTable('ledger_head')
    .set({ seq: last.seq, hash: last.hash })
    .where('id', '=', 1n)
    .execute();
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

function postingRows(e: ChainedEntry): Database['ledger_postings'][] {
  return e.postings.map((p, i) => ({
    entry_id: e.id,
    line_no: BigInt(i),
    ledger_account: p.account,
    amount_minor: p.amountMinor,
    effective_at_ms: BigInt(e.effectiveAtMs),
  }));
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
