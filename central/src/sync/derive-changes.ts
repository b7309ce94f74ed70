import { appendChange } from './change-feed.js';
import {
  deriveAccountAssignments,
  deriveKeyRotations,
  deriveTariffVersions,
  type FeedSigningKey,
} from './derive-records.js';
import type { SyncTrx } from './sync-schema.js';

/** Meters of a gateway with the account at the premise they are installed in. */
export async function meterAccounts(trx: SyncTrx, gatewayId: string) {
  const rows = await trx
    .selectFrom('gateway_meters')
    .innerJoin('meter_events', 'meter_events.meter_id', 'gateway_meters.meter_id')
    .innerJoin('service_points', 'service_points.id', 'meter_events.service_point_id')
    .innerJoin('accounts', 'accounts.premise_id', 'service_points.premise_id')
    .select(['gateway_meters.meter_id', 'accounts.id as account_id', 'meter_events.at_ms'])
    .where('gateway_meters.gateway_id', '=', gatewayId)
    .where('meter_events.kind', '=', 'install')
    .orderBy('meter_events.at_ms')
    .execute();
  return rows.map((r) => ({ meterId: r.meter_id, accountId: r.account_id, atMs: Number(r.at_ms) }));
}

const CREDIT_SOURCES: Record<string, 'payment' | 'token-issue' | 'adjustment'> = {
  payment: 'payment',
  topup: 'token-issue',
  adjustment: 'adjustment',
};

/** The ledger entry kinds that may reach a gateway's balance. */
export const CREDIT_KINDS = Object.keys(CREDIT_SOURCES);

/**
 * Brings a gateway's feed up to date from central's records (idempotent: each source fact or
 * version maps to one change id), in the order the edge needs them: signing keys, tariff
 * versions, account assignments, meter assignments, credits (payments, top-ups, adjustments
 * that reduce what an account of this gateway owes or add to its wallet).
 * Returns how many changes were appended. Example: a second call at once → 0.
 */
export async function deriveChanges(
  trx: SyncTrx,
  gatewayId: string,
  nowMs: number,
  key?: FeedSigningKey,
) {
  let appended = key ? await deriveKeyRotations(trx, gatewayId, key, nowMs) : 0;
  const assignments = await meterAccounts(trx, gatewayId);
  const accountIds = [...new Set(assignments.map((a) => a.accountId))];
  appended += await deriveTariffVersions(trx, gatewayId, accountIds, nowMs);
  appended += await deriveAccountAssignments(trx, gatewayId, accountIds, nowMs);
  const versions = new Map<string, number>();
  for (const a of assignments) {
    const version = (versions.get(a.meterId) ?? 0) + 1;
    versions.set(a.meterId, version);
    const body = { meterId: a.meterId, accountId: a.accountId, validFromMs: a.atMs, version };
    const key = `${a.meterId}:${version}`;
    if (await appendChange(trx, gatewayId, 'meter-assignment', key, body, nowMs)) appended += 1;
  }
  for (const accountId of accountIds)
    appended += await deriveCredits(trx, gatewayId, accountId, nowMs);
  return appended;
}

/**
 * Which ledger movements reach the gateway's balance: payments and top-ups that credit the
 * account, and re-rating adjustments either way (a debit is sent as a negative amount, so
 * the gateway's prepaid balance ends equal to central's).
 * Example: feedsBalance('payment', -500n) → true; feedsBalance('adjustment', 12n) → true;
 *          feedsBalance('payment', 300n) → false (a payment reversal is not a credit).
 */
export function feedsBalance(kind: string, sumOnAccountMinor: bigint): boolean {
  if (sumOnAccountMinor === 0n) return false;
  return sumOnAccountMinor < 0n || kind === 'adjustment';
}

/**
 * Postings of credit-kind entries (payments, top-ups, adjustments) with what a `credit` change
 * needs; callers narrow it by account or by ledger seq.
 */
export function creditPostings(trx: SyncTrx) {
  return trx
    .selectFrom('ledger_postings')
    .innerJoin('ledger_entries', 'ledger_entries.id', 'ledger_postings.entry_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.kind',
      'ledger_entries.currency',
      'ledger_entries.external_ref',
      'ledger_entries.posted_at_ms',
      'ledger_postings.amount_minor',
      'ledger_postings.ledger_account',
    ])
    .where('ledger_entries.kind', 'in', CREDIT_KINDS)
    .orderBy('ledger_entries.seq');
}

async function deriveCredits(trx: SyncTrx, gatewayId: string, accountId: string, nowMs: number) {
  const rows = await creditPostings(trx)
    .where((eb) =>
      eb.or([
        eb('ledger_postings.ledger_account', '=', `wallet:${accountId}`),
        eb('ledger_postings.ledger_account', 'like', `receivable:${accountId}:%`),
      ]),
    )
    .execute();
  const sums = new Map<string, CreditSource>();
  for (const r of rows) {
    const s = sums.get(r.id) ?? { ...r, sum: 0n };
    s.sum += BigInt(r.amount_minor);
    sums.set(r.id, s);
  }
  let appended = 0;
  for (const source of sums.values())
    appended += await appendCredit(trx, gatewayId, accountId, source, nowMs);
  return appended;
}

/** One ledger entry's movement on one account of the gateway (Σ of its postings there). */
export interface CreditSource {
  id: string;
  kind: string;
  currency: string;
  external_ref: string | null;
  posted_at_ms: bigint | string | number;
  sum: bigint;
}

/**
 * Appends the `credit` change of one entry on one account when it feeds the balance
 * (`feedsBalance`); returns 1 when appended, 0 when not due or already in the feed.
 * Example: { id: 'e1', kind: 'payment', sum: -500n } on A-1 → credit { amountMinor: '500' }.
 */
export async function appendCredit(
  trx: SyncTrx,
  gatewayId: string,
  accountId: string,
  s: CreditSource,
  nowMs: number,
): Promise<number> {
  if (!feedsBalance(s.kind, s.sum)) return 0;
  const body = {
    entryId: s.id,
    accountId,
    amountMinor: (-s.sum).toString(),
    currency: s.currency,
    source: CREDIT_SOURCES[s.kind] ?? 'adjustment',
    reference: s.external_ref ?? `entry:${s.id}`,
    postedAtMs: Number(s.posted_at_ms),
  };
  return (await appendChange(trx, gatewayId, 'credit', s.id, body, nowMs)) ? 1 : 0;
}
