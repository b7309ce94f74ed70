import { contentId } from '@gridbill/shared/ids';
import {
  type EntryDraft,
  type Posting,
  receivableAccount,
  revenueAccount,
} from '@gridbill/shared/ledger';
import { PRICE_SOURCE_CODES, type UpstreamEvent } from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import { CompiledQuery, PostgresAdapter, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { IntervalFact } from './interval-rows.js';
import { type BulkValue, bulkInsert } from './bulk-insert.js';
import { postEntriesOnce } from './post-entries.js';
import { type SyncTables, type SyncTrx, syncTrx } from './sync-schema.js';

export type BlockEvent = Extract<UpstreamEvent, { kind: 'interval-block' }>;

/** Rows per multi-row statement (11 columns × 500 stays under both backends' limits). */
const CHUNK = 500;

/**
 * The block's interval rows as interval facts (channel 0), for the packed day-row merge.
 * Example: a block with meterIds ['m1'] and one row (meter 0, start T, 900 s, 412 Wh) →
 *   [{ meterId: 'm1', channel: 0, intervalStartMs: T, intervalSeconds: 900, energyWh: 412,
 *      qualityFlags: 0 }].
 */
export function blockIntervals(e: BlockEvent): IntervalFact[] {
  const { meterIds, intervals: c } = e.body;
  const out: IntervalFact[] = new Array(c.meter.length);
  for (let i = 0; i < c.meter.length; i += 1) {
    out[i] = {
      meterId: meterIds[c.meter[i]!]!,
      channel: 0,
      intervalStartMs: c.startMs[i]!,
      intervalSeconds: c.seconds[i]!,
      energyWh: c.energyWh[i]!,
      qualityFlags: c.quality[i]!,
    };
  }
  return out;
}

/** An `edge_charges` row, as the sync schema declares it. */
type ChargeRow = SyncTables['edge_charges'];

/** A charge row and the end of its interval (the ledger entry's effective time). */
type BlockCharge = ChargeRow & { endMs: number };

/**
 * The block's rated rows as `edge_charges` rows; the charge id is derived as on the edge,
 * `chargeId(meter, interval start, tariff version)`, never sent.
 */
export function blockChargeRows(e: BlockEvent, gatewayId: string): BlockCharge[] {
  const b = e.body;
  const c = b.intervals;
  const rows: BlockCharge[] = [];
  for (let i = 0; i < c.meter.length; i += 1) {
    const account = c.account[i]!;
    if (account < 0) continue;
    const meterId = b.meterIds[c.meter[i]!]!;
    const version = b.tariffVersionIds[c.tariffVersion[i]!]!;
    const startMs = c.startMs[i]!;
    rows.push({
      charge_id: chargeId(meterId, startMs, version),
      gateway_id: gatewayId,
      account_id: b.accountIds[account]!,
      meter_id: meterId,
      interval_start_ms: BigInt(startMs),
      interval_seconds: BigInt(c.seconds[i]!),
      energy_wh: BigInt(c.energyWh[i]!),
      amount_minor: BigInt(c.amountMinor[i]!),
      currency: b.currency,
      tariff_version_id: version,
      price_source: PRICE_SOURCE_CODES[c.priceSource[i]!] ?? 'tariff',
      endMs: startMs + c.seconds[i]! * 1000,
    });
  }
  return rows;
}

/**
 * Applies fresh, owned blocks (their intervals are merged by the caller with the other
 * interval facts): charges with multi-row statements, then ONE ledger entry per block (a
 * posting per account) for the charges stored now — a charge central already had (from an
 * older per-fact event or another block) is not posted again — and one `edge_facts` row per
 * block holding its register reads (columnar, as sent) and the edge's balances. Returns the
 * number of ledger entries posted.
 */
export async function applyBlocks(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  blocks: readonly BlockEvent[],
  nowMs: number,
): Promise<number> {
  if (blocks.length === 0) return 0;
  const trx = syncTrx(coreTrx);
  const drafts: EntryDraft[] = [];
  for (const block of blocks) {
    const rows = blockChargeRows(block, gatewayId);
    const fresh = await insertChargesOnce(trx, rows);
    drafts.push(...blockEntries(block, fresh, gatewayId));
  }
  await insertBlockFacts(trx, gatewayId, blocks);
  return (await postEntriesOnce(coreTrx, drafts, nowMs)).length;
}

const CHARGE_COLUMNS = [
  'charge_id',
  'gateway_id',
  'account_id',
  'meter_id',
  'interval_start_ms',
  'interval_seconds',
  'energy_wh',
  'amount_minor',
  'currency',
  'tariff_version_id',
  'price_source',
] as const;

/** Inserts charges (a known charge id is skipped) and returns the rows stored now. */
export async function insertChargesOnce<R extends ChargeRow>(
  trx: SyncTrx,
  rows: R[],
): Promise<R[]> {
  const fresh = new Set<string>();
  const raw = trx as unknown as Transaction<unknown>;
  const pg = raw.getExecutor().adapter instanceof PostgresAdapter;
  const size = pg ? PG_CHUNK : CHUNK;
  for (let i = 0; i < rows.length; i += size) {
    const values = rows.slice(i, i + size).map((r) => CHARGE_COLUMNS.map((c) => r[c]));
    const stored = pg
      ? await unnestInsertCharges(raw, values)
      : await bulkInsert<{ charge_id: string }>(raw, 'edge_charges', CHARGE_COLUMNS, values, DEDUP);
    for (const r of stored) fresh.add(r.charge_id);
  }
  return rows.filter((r) => fresh.delete(r.charge_id));
}

const DEDUP = 'ON CONFLICT (charge_id) DO NOTHING RETURNING charge_id';
/** PostgreSQL: one statement per block (11 array parameters, not 11 per row). */
const PG_CHUNK = 5000;
const CHARGE_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'int8',
  'int8',
  'int8',
  'int8',
  'text',
  'text',
  'text',
] as const;

/**
 * PostgreSQL multi-row insert as `insert … select * from unnest($1::text[], …)`: one array per
 * column, so parse and bind cost 11 parameters whatever the row count.
 * Example: rows [['c1', 'gw-1', …]] → `… unnest($1::text[], $2::text[], …)` bound to
 *   [['c1'], ['gw-1'], …] → [{ charge_id: 'c1' }] when c1 was new.
 */
async function unnestInsertCharges(
  trx: Transaction<unknown>,
  values: BulkValue[][],
): Promise<{ charge_id: string }[]> {
  const columns = CHARGE_COLUMNS.map((_, c) => values.map((row) => row[c]));
  const arrays = CHARGE_TYPES.map((t, c) => `$${c + 1}::${t}[]`).join(', ');
  const names = CHARGE_COLUMNS.map((c) => `"${c}"`).join(', ');
  const text = `insert into "edge_charges" (${names}) select * from unnest(${arrays}) ${DEDUP}`;
  const result = await trx.executeQuery<{ charge_id: string }>(CompiledQuery.raw(text, columns));
  return result.rows;
}

/**
 * ONE entry per block for its fresh charges: a `receivable:<acc>:energy` posting per account
 * (Σ of its fresh charges; zero sums post nothing) and one `revenue:energy` posting of minus
 * the total (omitted when the total is zero), effective at the end of the block's latest fresh
 * interval, id `contentId('gridbill.edge-block-charge', block id)`. Returns no entry when no
 * account moves.
 * Example: fresh charges a1 +8, a2 +5, a1 +2 (latest end T) → postings
 *   [receivable:a1:energy +10, receivable:a2:energy +5, revenue:energy −15], effective T.
 */
function blockEntries(
  block: BlockEvent,
  fresh: readonly BlockCharge[],
  gatewayId: string,
): EntryDraft[] {
  const byAccount = new Map<string, bigint>();
  let endMs = 0;
  for (const r of fresh) {
    byAccount.set(r.account_id, (byAccount.get(r.account_id) ?? 0n) + r.amount_minor);
    if (r.endMs > endMs) endMs = r.endMs;
  }
  const postings: Posting[] = [];
  let total = 0n;
  for (const [accountId, sum] of byAccount) {
    if (sum === 0n) continue;
    postings.push({ account: receivableAccount(accountId, 'energy'), amountMinor: sum });
    total += sum;
  }
  if (postings.length === 0) return [];
  if (total !== 0n) postings.push({ account: revenueAccount('energy'), amountMinor: -total });
  return [
    {
      id: contentId('gridbill.edge-block-charge', block.eventId),
      kind: 'charge',
      currency: block.body.currency,
      effectiveAtMs: endMs,
      postings,
      memo: `edge charges: block ${block.eventId}, ${fresh.length} intervals`,
      actorId: `gateway:${gatewayId}`,
    },
  ];
}

/**
 * One row per block: its register reads (columnar, as sent: one row per block instead of one
 * per read) and the edge's balances after it (for reconciliation).
 */
async function insertBlockFacts(trx: SyncTrx, gatewayId: string, blocks: readonly BlockEvent[]) {
  const rows = blocks.map((b) => ({
    event_id: b.eventId,
    gateway_id: gatewayId,
    kind: b.kind,
    body: JSON.stringify({
      intervals: b.body.intervals.meter.length,
      meterIds: b.body.meterIds,
      registers: b.body.registers,
      reads: b.body.reads,
      accountIds: b.body.accountIds,
      balances: {
        account: b.body.balances.account,
        amountMinor: b.body.balances.amountMinor.map(String),
        balanceAfterMinor: b.body.balances.balanceAfterMinor.map(String),
      },
    }),
    occurred_at_ms: BigInt(b.occurredAtMs),
  }));
  await trx
    .insertInto('edge_facts')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
}
