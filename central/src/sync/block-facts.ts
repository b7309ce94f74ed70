import { createHash } from 'node:crypto';
import {
  type BalanceColumns,
  type IntervalBlockBody,
  type ReadColumns,
  unpackReadsAndBalances,
} from '@gridbill/shared/sync';
import type { SyncTrx } from './sync-schema.js';

/** A block's id tables as stored once in `edge_fact_tables`: their JSON and its SHA-256. */
export interface BlockTables {
  id: string;
  json: string;
}

type TablesOf = Pick<IntervalBlockBody, 'meterIds' | 'accountIds' | 'tariffVersionIds'> & {
  registers: readonly string[];
};

/** Per parsed body (the hash and the facts row both ask). */
const byBody = new WeakMap<object, BlockTables>();
/** The last distinct set and a body that had it: a gateway's consecutive blocks share theirs. */
let last: { tables: BlockTables; body: TablesOf | null } = {
  tables: { id: '', json: '' },
  body: null,
};

/**
 * The id tables of a block: JSON `[meterIds, accountIds, tariffVersionIds, registers]` and
 * its SHA-256 — built and hashed once per distinct set: a block whose tables equal the last
 * set's (compared id by id) gets that set.
 * Example: meterIds ['m1'], accountIds ['a1'], tariffVersionIds ['tv-1'], registers
 *   ['importWh'] → { json: '[["m1"],["a1"],["tv-1"],["importWh"]]', id: '<64 hex>' }.
 */
export function blockTables(body: TablesOf): BlockTables {
  const known = byBody.get(body);
  if (known) return known;
  if (last.body === null || !sameTables(last.body, body)) {
    const json = JSON.stringify([
      body.meterIds,
      body.accountIds,
      body.tariffVersionIds,
      body.registers,
    ]);
    const id = createHash('sha256').update(json).digest('hex');
    last = { tables: { id, json }, body };
  }
  byBody.set(body, last.tables);
  return last.tables;
}

function sameTables(a: TablesOf, b: TablesOf): boolean {
  return (
    sameIds(a.meterIds, b.meterIds) &&
    sameIds(a.accountIds, b.accountIds) &&
    sameIds(a.tariffVersionIds, b.tariffVersionIds) &&
    sameIds(a.registers, b.registers)
  );
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The `edge_facts` body of a block: row counts, the id of its tables (`edge_fact_tables`)
 * and the packed read and balance rows as they came (base64 of the bytes from `readsAt`).
 * Example: a block of 2 intervals, 1 read, 1 balance →
 *   '{"intervals":2,"reads":1,"balances":1,"tables":"3f…","packed":"AJ…"}'.
 */
export function blockFactsJson(body: IntervalBlockBody): string {
  const p = body.packed;
  const tail = Buffer.from(p.buffer, p.byteOffset + body.readsAt, p.length - body.readsAt);
  return JSON.stringify({
    intervals: body.intervals.meter.length,
    reads: body.reads.meter.length,
    balances: body.balances.account.length,
    tables: blockTables(body).id,
    packed: tail.toString('base64'),
  });
}

/**
 * One `edge_facts` row per block (its reads and the edge's balances, for reconciliation) and
 * each distinct id table set once in `edge_fact_tables`; a block or set stored before is kept.
 */
export async function insertBlockFacts(
  trx: SyncTrx,
  gatewayId: string,
  blocks: readonly {
    eventId: string;
    kind: string;
    occurredAtMs: number;
    body: IntervalBlockBody;
  }[],
): Promise<void> {
  const tables = new Map<string, string>();
  const rows = blocks.map((b) => {
    const t = blockTables(b.body);
    tables.set(t.id, t.json);
    return {
      event_id: b.eventId,
      gateway_id: gatewayId,
      kind: b.kind,
      body: blockFactsJson(b.body),
      occurred_at_ms: BigInt(b.occurredAtMs),
    };
  });
  if (rows.length === 0) return;
  await trx
    .insertInto('edge_fact_tables')
    .values([...tables].map(([id, body]) => ({ id, body })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await trx
    .insertInto('edge_facts')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
}

/** An `edge_facts` block body read back: the reads and balances with the tables. */
export interface BlockFacts {
  intervals: number;
  meterIds: string[];
  accountIds: string[];
  tariffVersionIds: string[];
  registers: string[];
  reads: ReadColumns;
  balances: BalanceColumns;
}

/**
 * Reads an `edge_facts` block body with its tables' JSON (`edge_fact_tables.body`).
 * Example: readBlockFacts(blockFactsJson(body), blockTables(body).json).reads → body.reads.
 */
export function readBlockFacts(json: string, tablesJson: string): BlockFacts {
  const f = JSON.parse(json);
  const [meterIds, accountIds, tariffVersionIds, registers] = JSON.parse(tablesJson);
  const bytes = Buffer.from(f.packed, 'base64');
  const { reads, balances } = unpackReadsAndBalances(bytes, f.reads, f.balances);
  const { intervals } = f;
  return { intervals, meterIds, accountIds, tariffVersionIds, registers, reads, balances };
}

/**
 * The stored facts of one block (tests, reconciliation), or undefined. A row written before
 * the packed form holds its tables and JSON columns inline, and is returned as it is.
 */
export async function loadBlockFacts(
  trx: Pick<SyncTrx, 'selectFrom'>,
  eventId: string,
): Promise<BlockFacts | undefined> {
  const row = await trx
    .selectFrom('edge_facts')
    .select('body')
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  if (!row) return undefined;
  const f = JSON.parse(row.body);
  if (typeof f.tables !== 'string') return f as BlockFacts;
  const tables = await trx
    .selectFrom('edge_fact_tables')
    .select('body')
    .where('id', '=', f.tables)
    .executeTakeFirstOrThrow();
  return readBlockFacts(row.body, tables.body);
}
