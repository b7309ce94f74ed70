import { createHash } from 'node:crypto';
import {
  appendCredit,
  type CreditSource,
  creditPostings,
  deriveChanges,
  meterAccounts,
} from './derive-changes.js';
import { type FeedSigningKey, gatewayAccounts } from './derive-records.js';
import type { SyncTrx } from './sync-schema.js';

/**
 * What a derive pass of one gateway has covered: the feed epoch, a digest of the records the
 * non-credit changes come from (meter and account assignments, tariff versions, signing key)
 * and the ledger head seq read before the pass.
 */
export interface DeriveMark {
  epoch: string | null;
  inputs: string;
  ledgerSeq: bigint;
}

/**
 * Brings a gateway's feed up to date doing only the work its records call for since `prev`
 * (the mark of the last committed pass, kept by the caller): when the epoch and the digest
 * of the gateway's records are unchanged it appends only the credits of ledger entries
 * posted after `prev.ledgerSeq` (one query), else it runs the full `deriveChanges`. Ledger
 * writers queue on the chain head, so every entry up to the head read here is committed and
 * visible; appends are idempotent, so a mark lost or stale costs a re-derive, never a double.
 * Example: nothing changed since prev → { appended: 0, mark: prev } after 5 small queries;
 *   one payment of A-1 since → { appended: 1, mark: { ...prev, ledgerSeq: head } }.
 */
export async function deriveSince(
  trx: SyncTrx,
  gatewayId: string,
  nowMs: number,
  key: FeedSigningKey | undefined,
  prev: DeriveMark | undefined,
): Promise<{ appended: number; mark: DeriveMark }> {
  const ledgerSeq = await ledgerHeadSeq(trx);
  const { inputs, accountIds } = await recordDigest(trx, gatewayId, key);
  const epoch = await feedEpoch(trx, gatewayId);
  if (!prev || prev.epoch !== epoch || prev.inputs !== inputs || epoch === null) {
    const appended = await deriveChanges(trx, gatewayId, nowMs, key);
    return { appended, mark: { epoch: await feedEpoch(trx, gatewayId), inputs, ledgerSeq } };
  }
  const mark = { epoch, inputs, ledgerSeq };
  if (ledgerSeq === prev.ledgerSeq) return { appended: 0, mark };
  const sources = await creditsBetween(trx, new Set(accountIds), prev.ledgerSeq, ledgerSeq);
  let appended = 0;
  for (const { accountId, source } of sources)
    appended += await appendCredit(trx, gatewayId, accountId, source, nowMs);
  return { appended, mark };
}

async function ledgerHeadSeq(trx: SyncTrx): Promise<bigint> {
  const row = await trx
    .selectFrom('ledger_head')
    .select('seq')
    .where('id', '=', 1n)
    .executeTakeFirst();
  return BigInt(row?.seq ?? 0n);
}

async function feedEpoch(trx: SyncTrx, gatewayId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('sync_feeds')
    .select('feed_epoch')
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  return row?.feed_epoch ?? null;
}

/**
 * SHA-256 over what the non-credit changes are derived from, in a fixed order.
 * Example: the same meters, accounts, tariff versions and key → the same hex digest.
 */
async function recordDigest(trx: SyncTrx, gatewayId: string, key: FeedSigningKey | undefined) {
  const meters = await meterAccounts(trx, gatewayId);
  const accountIds = [...new Set(meters.map((m) => m.accountId))].sort();
  const accounts = await gatewayAccounts(trx, accountIds);
  const tariffIds = [...new Set(accounts.map((a) => a.tariff_id as string))];
  const versions = tariffIds.length
    ? await trx
        .selectFrom('tariff_versions')
        .select(['id', 'document_sha256'])
        .where('tariff_id', 'in', tariffIds)
        .orderBy('id')
        .execute()
    : [];
  const hash = createHash('sha256');
  hash.update(JSON.stringify([key?.keyId ?? null, meters, accounts, versions]));
  return { inputs: hash.digest('hex'), accountIds };
}

/**
 * Credit-kind entries with `afterSeq < seq ≤ throughSeq`, summed per entry and account of the
 * gateway (postings on `wallet:<id>` and `receivable:<id>:<kind>`), in seq order.
 * Example: a payment of 500 on A-1 (of the gateway) and one on B-9 (not) →
 *   [{ accountId: 'A-1', source: { id, kind: 'payment', sum: -500n, … } }].
 */
async function creditsBetween(
  trx: SyncTrx,
  accounts: ReadonlySet<string>,
  afterSeq: bigint,
  throughSeq: bigint,
) {
  const rows = await creditPostings(trx)
    .where('ledger_entries.seq', '>', afterSeq)
    .where('ledger_entries.seq', '<=', throughSeq)
    .execute();
  const out = new Map<string, { accountId: string; source: CreditSource }>();
  for (const r of rows) {
    const accountId = accountOf(r.ledger_account);
    if (accountId === null || !accounts.has(accountId)) continue;
    const key = `${r.id}\n${accountId}`;
    const entry = out.get(key) ?? { accountId, source: { ...r, sum: 0n } };
    entry.source.sum += BigInt(r.amount_minor);
    out.set(key, entry);
  }
  return [...out.values()];
}

/**
 * The customer account a ledger account belongs to, for the two classes credits move (account
 * ids hold no ':', see the chart of accounts).
 * Example: 'wallet:A-1' → 'A-1'; 'receivable:A-1:energy' → 'A-1'; 'revenue:energy' → null.
 */
export function accountOf(ledgerAccount: string): string | null {
  const [cls, id] = ledgerAccount.split(':');
  return (cls === 'wallet' || cls === 'receivable') && id ? id : null;
}
