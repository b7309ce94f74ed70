import {
  CHARGE_DAY_MS,
  chargeDayCount,
  chargeDayStartMs,
  decodeChargeDay,
} from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
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

/**
 * The single reader of edge-rated charges (re-rating and the reconciliation report read
 * through it, never the table itself), ordered by account, meter, interval start, charge id.
 * Charges are stored packed per gateway × meter × account × UTC day (`edge_charge_days`); the
 * charge id is derived, `chargeId(meter, start, tariff version)`, as on the edge.
 * Example: gateway 'gw-1', [0, 86_400_000) with one stored charge →
 *   [{ chargeId: chargeId('m1', 0, 'tv-1'), gatewayId: 'gw-1', accountId: 'a1', meterId: 'm1',
 *      intervalStartMs: 0, intervalSeconds: 900, energyWh: 412, amountMinor: 8n,
 *      currency: 'KES', tariffVersionId: 'tv-1', priceSource: 'tariff' }].
 */
export async function readEdgeCharges(db: SyncDb, q: EdgeChargeQuery): Promise<EdgeChargeRow[]> {
  if (q.accountIds?.length === 0) return [];
  const out: EdgeChargeRow[] = [];
  for (const row of await dayRows(db, q)) {
    for (const c of decodeChargeDay(Number(row.day_start_ms), new Uint8Array(row.packed))) {
      if (c.startMs < q.fromMs || c.startMs >= q.toMs) continue;
      out.push({
        chargeId: chargeId(row.meter_id, c.startMs, c.tariffVersionId),
        gatewayId: q.gatewayId,
        accountId: row.account_id,
        meterId: row.meter_id,
        intervalStartMs: c.startMs,
        intervalSeconds: c.seconds,
        energyWh: c.energyWh,
        amountMinor: c.amountMinor,
        currency: c.currency,
        tariffVersionId: c.tariffVersionId,
        priceSource: c.priceSource,
      });
    }
  }
  return out.sort(byAccountMeterStartId);
}

/** Day rows that can hold charges of the query (the first and last day decoded and filtered). */
async function dayRows(db: SyncDb, q: EdgeChargeQuery) {
  let query = db
    .selectFrom('edge_charge_days')
    .select(['day_start_ms', 'meter_id', 'account_id', 'packed'])
    .where('gateway_id', '=', q.gatewayId)
    .where('day_start_ms', '>=', BigInt(chargeDayStartMs(q.fromMs)))
    .where('day_start_ms', '<', BigInt(q.toMs));
  if (q.accountIds) query = query.where('account_id', 'in', [...q.accountIds]);
  return query.execute();
}

function byAccountMeterStartId(a: EdgeChargeRow, b: EdgeChargeRow): number {
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? -1 : 1;
  if (a.meterId !== b.meterId) return a.meterId < b.meterId ? -1 : 1;
  if (a.intervalStartMs !== b.intervalStartMs) return a.intervalStartMs - b.intervalStartMs;
  if (a.chargeId === b.chargeId) return 0;
  return a.chargeId < b.chargeId ? -1 : 1;
}

/** True when a day row lies wholly inside [fromMs, toMs) (stored rows are never empty). */
function wholeDay(dayStartMs: number, fromMs: number, toMs: number): boolean {
  return dayStartMs >= fromMs && dayStartMs + CHARGE_DAY_MS <= toMs;
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
    .selectFrom('edge_charge_days')
    .select(['account_id', 'day_start_ms', 'packed'])
    .where('gateway_id', '=', q.gatewayId)
    .where('day_start_ms', '>=', BigInt(chargeDayStartMs(q.fromMs)))
    .where('day_start_ms', '<', BigInt(q.toMs))
    .execute();
  const inside = new Set<string>();
  for (const r of rows) {
    const dayStartMs = Number(r.day_start_ms);
    if (inside.has(r.account_id)) continue;
    if (wholeDay(dayStartMs, q.fromMs, q.toMs)) inside.add(r.account_id);
    else {
      const charges = decodeChargeDay(dayStartMs, new Uint8Array(r.packed));
      if (charges.some((c) => c.startMs >= q.fromMs && c.startMs < q.toMs)) {
        inside.add(r.account_id);
      }
    }
  }
  return [...inside].sort();
}

/**
 * Gateways with edge charges whose interval starts in [fromMs, toMs), sorted.
 * Example: charges of gw-1 and gw-2 in the range → ['gw-1', 'gw-2'].
 */
export async function edgeChargeGateways(db: SyncDb, fromMs: number, toMs: number) {
  const rows = await db
    .selectFrom('edge_charge_days')
    .select(['gateway_id', 'day_start_ms'])
    .distinct()
    .where('day_start_ms', '>=', BigInt(chargeDayStartMs(fromMs)))
    .where('day_start_ms', '<', BigInt(toMs))
    .execute();
  const inside = new Set<string>();
  const edges = new Set<string>();
  for (const r of rows) {
    if (wholeDay(Number(r.day_start_ms), fromMs, toMs)) inside.add(r.gateway_id);
    else edges.add(r.gateway_id);
  }
  for (const gatewayId of edges) {
    if (inside.has(gatewayId)) continue;
    const found = await readEdgeCharges(db, { gatewayId, fromMs, toMs });
    if (found.length > 0) inside.add(gatewayId);
  }
  return [...inside].sort();
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
  const rows = await db
    .selectFrom('edge_charge_days')
    .select(['day_start_ms', 'packed'])
    .where('gateway_id', '=', q.gatewayId)
    .where('account_id', '=', q.accountId)
    .where('meter_id', '=', q.meterId)
    .where('day_start_ms', '<', BigInt(q.beforeMs))
    .execute();
  let count = 0;
  let energyWh = 0;
  for (const r of rows) {
    for (const c of decodeChargeDay(Number(r.day_start_ms), new Uint8Array(r.packed))) {
      if (c.startMs >= q.beforeMs) continue;
      count += 1;
      energyWh += c.energyWh;
    }
  }
  return { count, energyWh };
}

/**
 * Number of edge charges stored (all gateways, or one): the packed rows' entry counts summed.
 * Example: one day row holding 96 charges → 96.
 */
export async function countEdgeCharges(db: SyncDb, gatewayId?: string): Promise<number> {
  let query = db.selectFrom('edge_charge_days').select('packed');
  if (gatewayId !== undefined) query = query.where('gateway_id', '=', gatewayId);
  let n = 0;
  for (const r of await query.execute()) n += chargeDayCount(new Uint8Array(r.packed));
  return n;
}
