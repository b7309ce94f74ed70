import { contentId } from '@gridbill/shared/ids';
import type { Accumulators, CompiledVersion } from '@gridbill/shared/tariff';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { edgeChargeTotalsBefore } from '../edge-charge-source.js';
import { syncDb } from '../sync-schema.js';
import { reconcileDb } from './reconcile-schema.js';
import type { ReplayCheckpoint } from './replay-meter.js';

/** A checkpoint with what it had seen: the meter's edge charges before its month. */
export interface StoredCheckpoint extends ReplayCheckpoint {
  chargesBefore: number;
  energyBeforeWh: number;
}

/**
 * Identity of central's versions as they apply before `monthStartMs` (ids and bounds cut at
 * the month start), so a version effective later leaves earlier checkpoints valid.
 * Example: [v1 from Jan (open)], month Mar → contentId(…, 'v1', <Jan>, <Mar>).
 */
export function versionsKey(versions: readonly CompiledVersion[], monthStartMs: number): string {
  const parts = versions
    .filter((v) => v.fromMs < monthStartMs)
    .flatMap((v) => [v.versionId, v.fromMs, Math.min(v.toMs, monthStartMs)]);
  return contentId('gridbill.rerate-versions', ...parts);
}

const TRIES = 3;

/**
 * The latest stored checkpoint of a meter at or before `atMs` that is still valid: same
 * versions key, same count and Σ Wh of edge charges before it (a late charge for an earlier
 * interval invalidates it). Undefined = replay from the meter's first charge.
 */
export async function usableCheckpoint(
  db: Kysely<Database>,
  key: { gatewayId: string; accountId: string; meterId: string },
  atMs: number,
  versions: readonly CompiledVersion[],
): Promise<StoredCheckpoint | undefined> {
  const rows = await reconcileDb(db)
    .selectFrom('rerate_checkpoints')
    .selectAll()
    .where('gateway_id', '=', key.gatewayId)
    .where('account_id', '=', key.accountId)
    .where('meter_id', '=', key.meterId)
    .where('month_start_ms', '<=', BigInt(atMs))
    .orderBy('month_start_ms', 'desc')
    .limit(TRIES)
    .execute();
  for (const r of rows) {
    const monthStartMs = Number(r.month_start_ms);
    if (r.versions_key !== versionsKey(versions, monthStartMs)) continue;
    const totals = await edgeChargeTotalsBefore(syncDb(db), { ...key, beforeMs: monthStartMs });
    if (totals.count !== Number(r.charges_before)) continue;
    if (totals.energyWh !== Number(r.energy_before_wh)) continue;
    return {
      monthStartMs,
      carry: JSON.parse(r.carry) as Accumulators,
      totalNano: BigInt(r.total_nano),
      postedMinor: BigInt(r.posted_minor),
      chargesBefore: Number(r.charges_before),
      energyBeforeWh: Number(r.energy_before_wh),
    };
  }
  return undefined;
}

/** Upserts checkpoints of one meter (a cache: rewritten when versions or charges change). */
export async function saveCheckpoints(
  trx: Transaction<Database>,
  key: { gatewayId: string; accountId: string; meterId: string },
  checkpoints: readonly StoredCheckpoint[],
  versions: readonly CompiledVersion[],
): Promise<void> {
  for (const cp of checkpoints) {
    const row = {
      versions_key: versionsKey(versions, cp.monthStartMs),
      charges_before: BigInt(cp.chargesBefore),
      energy_before_wh: BigInt(cp.energyBeforeWh),
      carry: JSON.stringify(cp.carry),
      total_nano: cp.totalNano.toString(),
      posted_minor: cp.postedMinor,
    };
    await reconcileDb(trx)
      .insertInto('rerate_checkpoints')
      .values({
        gateway_id: key.gatewayId,
        account_id: key.accountId,
        meter_id: key.meterId,
        month_start_ms: BigInt(cp.monthStartMs),
        ...row,
      })
      .onConflict((oc) =>
        oc.columns(['gateway_id', 'account_id', 'meter_id', 'month_start_ms']).doUpdateSet(row),
      )
      .execute();
  }
}
