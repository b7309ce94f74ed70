import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { REASONS, type Reason } from './classify.js';
import { reconcileDb } from './reconcile-schema.js';

/** The reconciliation report of one gateway and local day (summed over its accounts). */
export interface GatewayDayReport {
  gatewayId: string;
  day: string;
  currency: string;
  accounts: number;
  edgeTotalMinor: bigint;
  centralTotalMinor: bigint;
  adjustmentsMinor: bigint;
  intervals: number;
  intervalsDiffering: number;
  unrated: number;
  /** differing intervals per reason (every reason present, 0 when none) */
  reasons: Record<Reason, number>;
}

/**
 * The stored report per local day of one gateway, `fromDay..toDay` inclusive, oldest first
 * (one row per day and currency). Reads only `reconcile_days` (written with the adjustments).
 * Example: gw-1, one account, 2026-11-27 with edge 14, central 15 →
 *   [{ day: '2026-11-27', edgeTotalMinor: 14n, centralTotalMinor: 15n, adjustmentsMinor: 1n,
 *      reasons: { 'late-tariff-version': 1, 'fallback-price': 0, clock: 0, other: 0 }, … }].
 */
export async function gatewayReport(
  db: Kysely<Database>,
  gatewayId: string,
  fromDay: string,
  toDay: string,
): Promise<GatewayDayReport[]> {
  const rows = await reconcileDb(db)
    .selectFrom('reconcile_days')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .orderBy('currency')
    .orderBy('account_id')
    .execute();
  const out = new Map<string, GatewayDayReport>();
  for (const r of rows) {
    const key = `${r.day}|${r.currency}`;
    let d = out.get(key);
    if (!d) {
      d = emptyReport(gatewayId, r.day, r.currency);
      out.set(key, d);
    }
    d.accounts += 1;
    d.edgeTotalMinor += BigInt(r.edge_total_minor);
    d.centralTotalMinor += BigInt(r.central_total_minor);
    d.adjustmentsMinor += BigInt(r.adjustments_minor);
    d.intervals += Number(r.intervals);
    d.intervalsDiffering += Number(r.intervals_differing);
    d.unrated += Number(r.unrated);
    const reasons = JSON.parse(r.reasons) as Partial<Record<Reason, number>>;
    for (const reason of REASONS) d.reasons[reason] += reasons[reason] ?? 0;
  }
  return [...out.values()];
}

function emptyReport(gatewayId: string, day: string, currency: string): GatewayDayReport {
  return {
    gatewayId,
    day,
    currency,
    accounts: 0,
    edgeTotalMinor: 0n,
    centralTotalMinor: 0n,
    adjustmentsMinor: 0n,
    intervals: 0,
    intervalsDiffering: 0,
    unrated: 0,
    reasons: { 'fallback-price': 0, 'late-tariff-version': 0, clock: 0, other: 0 },
  };
}
