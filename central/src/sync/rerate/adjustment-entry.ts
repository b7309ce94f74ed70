import { contentId } from '@gridbill/shared/ids';
import { type EntryDraft, receivableAccount, revenueAccount } from '@gridbill/shared/ledger';
import type { Reason } from './classify.js';

/** One re-rating adjustment to post for an account-day. */
export interface AdjustmentInput {
  gatewayId: string;
  accountId: string;
  day: string;
  currency: string;
  /** 1 for the first adjustment of this account-day, then 2, 3, … */
  revision: number;
  /** central − (edge + earlier adjustments); positive = the account owes more */
  amountMinor: bigint;
  reason: Reason;
  edgeTotalMinor: bigint;
  centralTotalMinor: bigint;
  earlierMinor: bigint;
  intervalsDiffering: number;
  intervals: number;
  differingChargeIds: readonly string[];
  effectiveAtMs: number;
}

const MAX_IDS_IN_MEMO = 20;

/** Deterministic id: `contentId('gridbill.rerate-adjustment', account, day, revision)`. */
export function adjustmentId(accountId: string, day: string, revision: number): string {
  return contentId('gridbill.rerate-adjustment', accountId, day, revision);
}

/**
 * The ledger entry for a re-rating difference, on the accounts the edge charges post to
 * (`receivable:<acc>:energy`, `revenue:energy`): a positive difference debits the receivable,
 * a negative one credits it. The memo names the day, the totals and the differing charge ids.
 * Example: { accountId: 'a1', day: '2026-11-27', revision: 1, amountMinor: -40n, … } →
 *   { kind: 'adjustment', reasonCode: 'fallback-price', externalRef: 'rerate:a1:2026-11-27:1',
 *     postings: [receivable:a1:energy −40, revenue:energy +40], … }.
 */
export function adjustmentEntry(a: AdjustmentInput): EntryDraft {
  const ids = a.differingChargeIds.slice(0, MAX_IDS_IN_MEMO).join(',');
  const more = a.differingChargeIds.length - MAX_IDS_IN_MEMO;
  const memo =
    `re-rating ${a.day} gateway ${a.gatewayId}: central ${a.centralTotalMinor} − edge ` +
    `${a.edgeTotalMinor} − earlier adjustments ${a.earlierMinor} = ${a.amountMinor}; ` +
    `${a.intervalsDiffering} of ${a.intervals} intervals differ (${a.reason}); ` +
    `charges ${ids}${more > 0 ? ` and ${more} more` : ''}`;
  return {
    id: adjustmentId(a.accountId, a.day, a.revision),
    kind: 'adjustment',
    currency: a.currency,
    effectiveAtMs: a.effectiveAtMs,
    postings: [
      { account: receivableAccount(a.accountId, 'energy'), amountMinor: a.amountMinor },
      { account: revenueAccount('energy'), amountMinor: -a.amountMinor },
    ],
    externalRef: `rerate:${a.accountId}:${a.day}:${a.revision}`,
    reasonCode: a.reason,
    memo,
    actorId: 'system:rerate',
  };
}
