import type { EdgeCharge } from './charge-postings.js';
import type { SyncDb } from './sync-schema.js';

/** One charge the edge rated for one interval, as central stored it. */
export interface EdgeChargeRow extends EdgeCharge {
  gatewayId: string;
}

/** Which charges to read: one gateway, interval starts in [fromMs, toMs). */
export interface EdgeChargeQuery {
  gatewayId: string;
  fromMs: number;
  toMs: number;
  /** Only these accounts (all when absent). */
  accountIds?: readonly string[];
}

const PRICE_SOURCES = new Set(['tariff', 'fallback']);

/**
 * The single reader of edge-rated charges (re-rating and the reconciliation report read
 * through it, never the table itself), ordered by account, meter, interval start, charge id.
 * Example: gateway 'gw-1', [0, 86_400_000) with one stored charge →
 *   [{ chargeId: 'c1', gatewayId: 'gw-1', accountId: 'a1', meterId: 'm1',
 *      intervalStartMs: 0, intervalSeconds: 900, energyWh: 412, amountMinor: 8n,
 *      currency: 'KES', tariffVersionId: 'tv-1', priceSource: 'tariff' }].
 */
export async function readEdgeCharges(db: SyncDb, q: EdgeChargeQuery): Promise<EdgeChargeRow[]> {
  if (q.accountIds?.length === 0) return [];
  let query = db
    .selectFrom('edge_charges')
    .selectAll()
    .where('gateway_id', '=', q.gatewayId)
    .where('interval_start_ms', '>=', BigInt(q.fromMs))
    .where('interval_start_ms', '<', BigInt(q.toMs));
  if (q.accountIds) query = query.where('account_id', 'in', [...q.accountIds]);
  const rows = await query
    .orderBy('account_id')
    .orderBy('meter_id')
    .orderBy('interval_start_ms')
    .orderBy('charge_id')
    .execute();
  return rows.map((r) => ({
    chargeId: r.charge_id,
    gatewayId: r.gateway_id,
    accountId: r.account_id,
    meterId: r.meter_id,
    intervalStartMs: Number(r.interval_start_ms),
    intervalSeconds: Number(r.interval_seconds),
    energyWh: Number(r.energy_wh),
    amountMinor: BigInt(r.amount_minor),
    currency: r.currency,
    tariffVersionId: r.tariff_version_id,
    priceSource: priceSourceOf(r.price_source, r.charge_id),
  }));
}

function priceSourceOf(text: string, chargeId: string): 'tariff' | 'fallback' {
  if (!PRICE_SOURCES.has(text)) {
    throw new Error(`edge charge ${chargeId}: unknown price source '${text}'`);
  }
  return text as 'tariff' | 'fallback';
}

/**
 * Accounts with edge charges of a gateway in [fromMs, toMs), sorted.
 * Example: charges of a1 and a2 on gw-1 → ['a1', 'a2'].
 */
export async function edgeChargeAccounts(
  db: SyncDb,
  q: Omit<EdgeChargeQuery, 'accountIds'>,
): Promise<string[]> {
  const rows = await db
    .selectFrom('edge_charges')
    .select('account_id')
    .distinct()
    .where('gateway_id', '=', q.gatewayId)
    .where('interval_start_ms', '>=', BigInt(q.fromMs))
    .where('interval_start_ms', '<', BigInt(q.toMs))
    .orderBy('account_id')
    .execute();
  return rows.map((r) => r.account_id);
}

/**
 * Gateways with edge charges whose interval starts in [fromMs, toMs), sorted.
 * Example: charges of gw-1 and gw-2 in the range → ['gw-1', 'gw-2'].
 */
export async function edgeChargeGateways(db: SyncDb, fromMs: number, toMs: number) {
  const rows = await db
    .selectFrom('edge_charges')
    .select('gateway_id')
    .distinct()
    .where('interval_start_ms', '>=', BigInt(fromMs))
    .where('interval_start_ms', '<', BigInt(toMs))
    .orderBy('gateway_id')
    .execute();
  return rows.map((r) => r.gateway_id);
}

/**
 * Count and Σ energy of one meter's edge charges (one gateway and account) starting before
 * `beforeMs`: what a re-rating checkpoint at that instant has seen.
 * Example: two charges of 100 and 120 Wh before the instant → { count: 2, energyWh: 220 }.
 */
export async function edgeChargeTotalsBefore(
  db: SyncDb,
  q: { gatewayId: string; accountId: string; meterId: string; beforeMs: number },
): Promise<{ count: number; energyWh: number }> {
  const row = await db
    .selectFrom('edge_charges')
    .select((eb) => [
      eb.fn.countAll<string>().as('n'),
      eb.fn.sum<string | null>('energy_wh').as('wh'),
    ])
    .where('gateway_id', '=', q.gatewayId)
    .where('account_id', '=', q.accountId)
    .where('meter_id', '=', q.meterId)
    .where('interval_start_ms', '<', BigInt(q.beforeMs))
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), energyWh: Number(row?.wh ?? 0) };
}
