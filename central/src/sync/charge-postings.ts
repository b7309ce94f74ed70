import { type EntryDraft, receivableAccount, revenueAccount } from '@gridbill/shared/ledger';

export interface EdgeCharge {
  chargeId: string;
  accountId: string;
  meterId: string;
  intervalStartMs: number;
  intervalSeconds: number;
  energyWh: number;
  amountMinor: bigint;
  currency: string;
  tariffVersionId: string;
  priceSource: 'tariff' | 'fallback';
}

/**
 * The ledger entry for a charge the edge rated, keyed by the edge's deterministic charge id
 * (so a resent charge is an `exists`, never a second debit). Zero-amount charges post nothing.
 * Example: { chargeId: 'c1', accountId: 'a1', amountMinor: 8n, currency: 'KES', … } →
 *   postings [receivable:a1:energy +8, revenue:energy −8], effective at the interval end.
 */
export function chargeEntry(c: EdgeCharge, gatewayId: string): EntryDraft | null {
  if (c.amountMinor === 0n) return null;
  return {
    id: c.chargeId,
    kind: 'charge',
    currency: c.currency,
    effectiveAtMs: c.intervalStartMs + c.intervalSeconds * 1000,
    postings: [
      { account: receivableAccount(c.accountId, 'energy'), amountMinor: c.amountMinor },
      { account: revenueAccount('energy'), amountMinor: -c.amountMinor },
    ],
    memo: `edge charge ${c.meterId} ${c.intervalStartMs} ${c.tariffVersionId} (${c.priceSource})`,
    actorId: `gateway:${gatewayId}`,
  };
}
