import type { UpstreamEvent } from '@gridbill/shared/sync';
import { eventContentHash } from '@gridbill/shared/sync';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { contentId } from '@gridbill/shared/ids';
import { applyBlocks, type BlockEvent } from './apply-blocks.js';
import { storeChargesOnce } from './charge-days.js';
import { chargeEntry } from './charge-postings.js';
import { standingChargeEntry } from './fee-postings.js';
import { alarmUnmerged } from './interval-alarms.js';
import { groupByDay, IntervalColumns, mergeIntervalRows } from './interval-rows.js';
import { PendingWrites } from './pending-writes.js';
import { postEntriesOnce } from './post-entries.js';
import { raiseAlarm } from './stream-repo.js';
import { type SyncTrx, syncTrx } from './sync-schema.js';

const CHUNK = 400;

/** The content hash stored for an event, and whether a stored hash (any version) is its. */
export interface EventHashing {
  hashOf(event: UpstreamEvent): string;
  matches(event: UpstreamEvent, storedHash: string): boolean;
}

const V1_HASHING: EventHashing = {
  hashOf: eventContentHash,
  matches: (event, storedHash) => eventContentHash(event) === storedHash,
};

export interface ApplyOutcome {
  /** Events refused by a domain rule (seq → reason), quarantined by the caller. */
  refused: Map<number, string>;
  intervalConflicts: number;
  ledgerEntriesPosted: number;
}

/**
 * Applies parsed, owned, fresh events. Idempotent by eventId (`sync_applied_events`), so a
 * fact resent under a new incarnation is a domain no-op; a block id seen before with other
 * content is refused as divergent (alarm). Charges are stored once per charge id and posted
 * only when stored now (per charge for `charge` events, one entry per block for blocks);
 * intervals merge into packed day rows; token redemptions must match a credit central issued.
 */
export async function applyEvents(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  events: readonly UpstreamEvent[],
  nowMs: number,
  hashing: EventHashing = V1_HASHING,
): Promise<ApplyOutcome> {
  const trx = syncTrx(coreTrx);
  const outcome: ApplyOutcome = {
    refused: new Map(),
    intervalConflicts: 0,
    ledgerEntriesPosted: 0,
  };
  const todo = await notYetApplied(
    trx,
    events.filter((e) => e.kind !== 'interval'),
    hashing,
    outcome.refused,
  );
  await alarmDivergent(trx, gatewayId, outcome.refused, nowMs);
  // intervals are idempotent in their packed day row (a replay merges as 'unchanged')
  const intervals = new IntervalColumns();
  for (const e of events) if (e.kind === 'interval') intervals.add(e.body);
  const charges: Extract<UpstreamEvent, { kind: 'charge' }>[] = [];
  const blocks: BlockEvent[] = [];
  const facts: UpstreamEvent[] = [];
  for (const e of todo) {
    const problem = chargeProblem(e);
    if (problem) outcome.refused.set(e.seq, `seq ${e.seq} (${e.kind}): ${problem}`);
    else if (e.kind === 'charge') charges.push(e);
    else if (e.kind === 'interval-block') blocks.push(e);
    else if (e.kind === 'reading') await insertReading(trx, e);
    else facts.push(e);
  }
  for (const b of blocks) intervals.addBlock(b.body);
  // the day-row, charge-day and facts writes run while the next part is computed
  const pending = new PendingWrites();
  // one grouping per day row for the interval merge and the charge days
  const day = {
    groups: groupByDay(intervals),
    firstBlockSegment: intervals.segments.length - blocks.length,
  };
  const merged = await mergeIntervalRows(trx, intervals, pending, day.groups);
  outcome.intervalConflicts = merged.conflicts.length;
  await alarmUnmerged(trx, gatewayId, merged, nowMs);
  outcome.ledgerEntriesPosted = await applyCharges(coreTrx, gatewayId, charges, nowMs);
  outcome.ledgerEntriesPosted += await applyBlocks(coreTrx, gatewayId, blocks, nowMs, pending, day);
  await pending.settle();
  await checkTokens(trx, facts, outcome.refused);
  outcome.ledgerEntriesPosted += await applyStandingCharges(coreTrx, gatewayId, facts, nowMs);
  await insertFacts(
    trx,
    gatewayId,
    facts.filter((f) => !outcome.refused.has(f.seq)),
  );
  const done = todo.filter((e) => !outcome.refused.has(e.seq));
  await markApplied(trx, gatewayId, done, hashing.hashOf);
  return outcome;
}

/**
 * Events whose id was not applied before (nor earlier in this batch). A block whose id was
 * applied with another content hash is refused (`refused`: seq → reason) as divergent.
 */
async function notYetApplied(
  trx: SyncTrx,
  events: readonly UpstreamEvent[],
  hashing: EventHashing,
  refused: Map<number, string>,
) {
  const seen = new Map<string, string>();
  const ids = events.map((e) => e.eventId);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('sync_applied_events')
      .select(['event_id', 'hash'])
      .where('event_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) seen.set(r.event_id, r.hash);
  }
  return events.filter((e) => {
    const prior = seen.get(e.eventId);
    if (prior === undefined) {
      seen.set(e.eventId, hashing.hashOf(e));
      return true;
    }
    if (e.kind === 'interval-block' && !hashing.matches(e, prior)) {
      const why = `block ${e.eventId} was applied before with other content`;
      refused.set(e.seq, `seq ${e.seq} (interval-block): ${why} (divergent)`);
    }
    return false;
  });
}

/** One sync alarm per divergent block (deterministic id: a resend raises nothing new). */
async function alarmDivergent(
  trx: SyncTrx,
  gatewayId: string,
  refused: Map<number, string>,
  nowMs: number,
): Promise<void> {
  for (const detail of refused.values()) {
    const id = contentId('sync-alarm', gatewayId, 'divergent-block', detail);
    await raiseAlarm(trx, { id, gatewayId, kind: 'divergent-block', detail, atMs: nowMs });
  }
}

async function markApplied(
  trx: SyncTrx,
  gatewayId: string,
  events: readonly UpstreamEvent[],
  hashOf: (event: UpstreamEvent) => string,
) {
  const rows = events.map((e) => ({
    event_id: e.eventId,
    gateway_id: gatewayId,
    kind: e.kind,
    hash: hashOf(e),
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('sync_applied_events')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

async function insertReading(trx: SyncTrx, e: Extract<UpstreamEvent, { kind: 'reading' }>) {
  await trx
    .insertInto('register_reads')
    .values({
      meter_id: e.body.meterId,
      register: e.body.register,
      captured_at_ms: BigInt(e.body.capturedAtMs),
      value_wh: BigInt(e.body.valueWh),
      quality: BigInt(e.body.qualityFlags),
    })
    .onConflict((oc) => oc.columns(['meter_id', 'register', 'captured_at_ms']).doNothing())
    .execute();
}

/**
 * Why a charge cannot be packed (`edge_charge_days` holds int64 amounts and 32-bit interval
 * seconds; a block's column check already bounds both), or null. Quarantined, never a 500.
 * Example: a charge of 2^63 minor units → 'amountMinor 9223372036854775808 does not fit in
 *   64 bits'.
 */
function chargeProblem(e: UpstreamEvent): string | null {
  if (e.kind !== 'charge') return null;
  const a = e.body.amountMinor;
  if (a < -(2n ** 63n) || a >= 2n ** 63n) return `amountMinor ${a} does not fit in 64 bits`;
  const seconds = e.body.intervalSeconds;
  if (seconds >= 2 ** 32) return `intervalSeconds ${seconds} does not fit in 32 bits`;
  return null;
}

async function applyCharges(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  charges: Extract<UpstreamEvent, { kind: 'charge' }>[],
  nowMs: number,
): Promise<number> {
  const inputs = charges.map(({ body: c }) => ({
    meterId: c.meterId,
    accountId: c.accountId,
    startMs: c.intervalStartMs,
    seconds: c.intervalSeconds,
    energyWh: c.energyWh,
    amountMinor: c.amountMinor,
    tariffVersionId: c.tariffVersionId,
    currency: c.currency,
    priceSource: c.priceSource,
    body: c,
  }));
  // post only the charges stored now: one central already had (e.g. from a block) is not
  // debited twice; the entry keeps the event's charge id
  const raw = coreTrx as unknown as Kysely<unknown>;
  const fresh = await storeChargesOnce(raw, gatewayId, inputs);
  const drafts = fresh.flatMap((c) => chargeEntry(c.body, gatewayId) ?? []);
  return (await postEntriesOnce(coreTrx, drafts, nowMs)).length;
}

/** Standing charges the gateway drew (`fixed-fee` balance changes): one entry each, once. */
async function applyStandingCharges(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  facts: readonly UpstreamEvent[],
  nowMs: number,
): Promise<number> {
  const drafts = facts.flatMap((f) =>
    f.kind === 'balance-change' ? (standingChargeEntry(f, gatewayId) ?? []) : [],
  );
  if (drafts.length === 0) return 0;
  return (await postEntriesOnce(coreTrx, drafts, nowMs)).length;
}

async function checkTokens(trx: SyncTrx, facts: UpstreamEvent[], refused: Map<number, string>) {
  for (const f of facts) {
    if (f.kind !== 'token-redemption') continue;
    const entry = await trx
      .selectFrom('topups')
      .select(['account_id'])
      .where('id', '=', f.body.tokenId)
      .executeTakeFirst();
    if (!entry) refused.set(f.seq, `seq ${f.seq}: token ${f.body.tokenId} was never issued`);
    else if (entry.account_id !== f.body.accountId) {
      const why = `token ${f.body.tokenId} belongs to account ${entry.account_id}`;
      refused.set(f.seq, `seq ${f.seq}: ${why}, redeemed for ${f.body.accountId}`);
    }
  }
}

async function insertFacts(trx: SyncTrx, gatewayId: string, facts: UpstreamEvent[]) {
  const rows = facts.map((f) => ({
    event_id: f.eventId,
    gateway_id: gatewayId,
    kind: f.kind,
    body: JSON.stringify(f.body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    occurred_at_ms: BigInt(f.occurredAtMs),
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('edge_facts')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
}
