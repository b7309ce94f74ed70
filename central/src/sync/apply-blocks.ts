import { contentId } from '@gridbill/shared/ids';
import {
  type EntryDraft,
  type Posting,
  receivableAccount,
  revenueAccount,
} from '@gridbill/shared/ledger';
import { PRICE_SOURCE_CODES, type UpstreamEvent } from '@gridbill/shared/sync';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { blockFactsJson } from './block-hash.js';
import { type ChargeInput, storeChargesOnce } from './charge-days.js';
import type { IntervalFact } from './interval-rows.js';
import { postEntriesOnce } from './post-entries.js';
import { type SyncTrx, syncTrx } from './sync-schema.js';

export type BlockEvent = Extract<UpstreamEvent, { kind: 'interval-block' }>;

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

/** A block's rated row as a charge to store, with the index of its block in the batch. */
export interface BlockCharge extends ChargeInput {
  block: number;
}

/**
 * The block's rated rows as charges to store (block index `block`); the charge id is derived
 * as on the edge, `chargeId(meter, interval start, tariff version)`, never sent.
 * Example: a block with one rated row (m1, T, 900 s, 412 Wh, a1, tv-1, '8', tariff) →
 *   [{ meterId: 'm1', accountId: 'a1', startMs: T, seconds: 900, energyWh: 412,
 *      amountMinor: 8n, tariffVersionId: 'tv-1', currency: 'KES', priceSource: 'tariff',
 *      block }].
 */
export function blockCharges(e: BlockEvent, block: number): BlockCharge[] {
  const b = e.body;
  const c = b.intervals;
  const rows: BlockCharge[] = [];
  for (let i = 0; i < c.meter.length; i += 1) {
    const account = c.account[i]!;
    if (account < 0) continue;
    rows.push({
      meterId: b.meterIds[c.meter[i]!]!,
      accountId: b.accountIds[account]!,
      startMs: c.startMs[i]!,
      seconds: c.seconds[i]!,
      energyWh: c.energyWh[i]!,
      amountMinor: BigInt(c.amountMinor[i]!),
      tariffVersionId: b.tariffVersionIds[c.tariffVersion[i]!]!,
      currency: b.currency,
      priceSource: PRICE_SOURCE_CODES[c.priceSource[i]!] ?? 'tariff',
      block,
    });
  }
  return rows;
}

/**
 * Applies fresh, owned blocks (their intervals are merged by the caller with the other
 * interval facts): charges packed per meter-day (`storeChargesOnce`, once per charge id), then
 * ONE ledger entry per batch for the charges stored now — a charge central already had (from
 * an older per-fact event or another block) is not posted again — and one `edge_facts` row per
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
  const charges: BlockCharge[] = [];
  for (let i = 0; i < blocks.length; i += 1) {
    for (const c of blockCharges(blocks[i]!, i)) charges.push(c);
  }
  const raw = coreTrx as unknown as Kysely<unknown>;
  const fresh = await storeChargesOnce(raw, gatewayId, charges);
  const drafts = batchEntries(blocks, fresh, gatewayId);
  await insertBlockFacts(syncTrx(coreTrx), gatewayId, blocks);
  return (await postEntriesOnce(coreTrx, drafts, nowMs)).length;
}

/**
 * ONE entry per batch (per currency) for the fresh charges of all its blocks: a
 * `receivable:<acc>:energy` posting per account (Σ of its fresh charges; zero sums post
 * nothing) and one `revenue:energy` posting of minus the total (omitted when zero), effective
 * at the end of the latest fresh interval of the batch, id
 * `contentId('gridbill.edge-batch-charge', currency, …ids of the blocks with fresh charges)`.
 * A re-sent block has no fresh charges, so a re-send posts nothing.
 * Example: fresh charges a1 +8 (block B1), a2 +5 (B2), a1 +2 (B2), latest end T → one entry
 *   [receivable:a1:energy +10, receivable:a2:energy +5, revenue:energy −15], effective T,
 *   id contentId('gridbill.edge-batch-charge', 'KES', B1, B2).
 */
export function batchEntries(
  blocks: readonly BlockEvent[],
  fresh: readonly BlockCharge[],
  gatewayId: string,
): EntryDraft[] {
  const byCurrency = new Map<string, CurrencySums>();
  let sums: CurrencySums | undefined;
  for (const c of fresh) {
    if (sums?.currency !== c.currency) {
      sums = byCurrency.get(c.currency);
      if (!sums) {
        sums = { currency: c.currency, byAccount: new Map(), blocks: new Set(), endMs: 0, n: 0 };
        byCurrency.set(c.currency, sums);
      }
    }
    sums.byAccount.set(c.accountId, (sums.byAccount.get(c.accountId) ?? 0n) + c.amountMinor);
    sums.blocks.add(c.block);
    const end = c.startMs + c.seconds * 1000;
    if (end > sums.endMs) sums.endMs = end;
    sums.n += 1;
  }
  const out: EntryDraft[] = [];
  for (const s of byCurrency.values()) {
    const entry = currencyEntry(blocks, s, gatewayId);
    if (entry) out.push(entry);
  }
  return out;
}

/** One currency's fresh charges of a batch, summed per account. */
interface CurrencySums {
  currency: string;
  byAccount: Map<string, bigint>;
  blocks: Set<number>;
  endMs: number;
  n: number;
}

function currencyEntry(
  blocks: readonly BlockEvent[],
  s: CurrencySums,
  gatewayId: string,
): EntryDraft | null {
  const postings: Posting[] = [];
  let total = 0n;
  for (const [accountId, sum] of s.byAccount) {
    if (sum === 0n) continue;
    postings.push({ account: receivableAccount(accountId, 'energy'), amountMinor: sum });
    total += sum;
  }
  if (postings.length === 0) return null;
  if (total !== 0n) postings.push({ account: revenueAccount('energy'), amountMinor: -total });
  const ids = [...s.blocks].sort((a, b) => a - b).map((i) => blocks[i]!.eventId);
  return {
    id: contentId('gridbill.edge-batch-charge', s.currency, ...ids),
    kind: 'charge',
    currency: s.currency,
    effectiveAtMs: s.endMs,
    postings,
    memo: `edge charges: ${ids.length} blocks from ${ids[0]}, ${s.n} intervals`,
    actorId: `gateway:${gatewayId}`,
  };
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
    body: blockFactsJson(b.body),
    occurred_at_ms: BigInt(b.occurredAtMs),
  }));
  await trx
    .insertInto('edge_facts')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
}
