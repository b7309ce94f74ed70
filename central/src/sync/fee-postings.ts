import type { EntryDraft } from '@gridbill/shared/ledger';
import { receivableAccount, revenueAccount } from '@gridbill/shared/ledger';
import type { UpstreamEvent } from '@gridbill/shared/sync';

type BalanceChangeEvent = Extract<UpstreamEvent, { kind: 'balance-change' }>;

/**
 * The ledger entry for a standing charge the gateway drew on a prepaid balance (a
 * `balance-change` of kind `fixed-fee`; the edge's deterministic entry id, so a resend is an
 * `exists`): the customer's `fees` receivable up, `revenue:fixed` down, effective when drawn.
 * Other balance changes (credits, tokens, energy charges sent otherwise) give null.
 * Example: { entryId: 'e1', accountId: 'A-1', entryKind: 'fixed-fee', amountMinor: -300n } →
 *   postings [receivable:A-1:fees +300, revenue:fixed −300].
 */
export function standingChargeEntry(e: BalanceChangeEvent, gatewayId: string): EntryDraft | null {
  const b = e.body;
  if (b.entryKind !== 'fixed-fee' || b.amountMinor === 0n) return null;
  const amountMinor = -b.amountMinor;
  return {
    id: b.entryId,
    kind: 'charge',
    currency: b.currency,
    effectiveAtMs: e.occurredAtMs,
    postings: [
      { account: receivableAccount(b.accountId, 'fees'), amountMinor },
      { account: revenueAccount('fixed'), amountMinor: -amountMinor },
    ],
    memo: `edge ${b.reference}`.slice(0, 500),
    actorId: `gateway:${gatewayId}`,
  };
}
