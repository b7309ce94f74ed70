import { contentId } from '@gridbill/shared/ids';
import {
  type EntryDraft,
  type Posting,
  receivableAccount,
  revenueAccount,
} from '@gridbill/shared/ledger';
import type { UpstreamEvent } from '@gridbill/shared/sync';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { insertBlockFacts } from './block-facts.js';
import { type BatchDayGroups, storeBlockCharges } from './block-charges.js';
import type { CurrencySums, FreshCharges } from './fresh-charges.js';
import { PendingWrites } from './pending-writes.js';
import { postEntriesOnce } from './post-entries.js';
import { syncTrx } from './sync-schema.js';

export type BlockEvent = Extract<UpstreamEvent, { kind: 'interval-block' }>;

/**
 * Applies fresh, owned blocks (their intervals are merged by the caller with the other
 * interval facts): charges packed per meter-day (`storeBlockCharges`, once per charge id), then
 * ONE ledger entry per batch for the charges stored now — a charge central already had (from
 * an older per-fact event or another block) is not posted again — and one `edge_facts` row per
 * block holding its register reads and the edge's balances (packed, as sent; `block-facts.ts`,
 * the block's id tables once per distinct set). Returns the number of ledger entries posted;
 * with `pending`, the charge-day and facts writes may still be running there (the caller
 * settles it before the commit).
 */
export async function applyBlocks(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  blocks: readonly BlockEvent[],
  nowMs: number,
  pending?: PendingWrites,
  day?: BatchDayGroups,
): Promise<number> {
  if (blocks.length === 0) return 0;
  const writes = pending ?? new PendingWrites();
  const raw = coreTrx as unknown as Kysely<unknown>;
  const fresh = await storeBlockCharges(raw, gatewayId, blocks, writes, day);
  const drafts = batchEntries(blocks, fresh, gatewayId);
  writes.add(insertBlockFacts(syncTrx(coreTrx), gatewayId, blocks));
  const posted = (await postEntriesOnce(coreTrx, drafts, nowMs)).length;
  if (!pending) await writes.settle();
  return posted;
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
  fresh: FreshCharges,
  gatewayId: string,
): EntryDraft[] {
  const out: EntryDraft[] = [];
  for (const sums of fresh.currencies()) {
    const entry = currencyEntry(blocks, sums, gatewayId);
    if (entry) out.push(entry);
  }
  return out;
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
