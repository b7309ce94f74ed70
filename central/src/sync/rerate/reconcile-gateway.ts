import { addDays, daysBetween, localMidnightUtcMs, parseDateKey } from '@gridbill/shared/time';
import type { Kysely } from 'kysely';
import type { Committer } from '../../store/committer.js';
import type { Database } from '../../store/schema.js';
import { edgeChargeAccounts, readEdgeCharges } from '../edge-charge-source.js';
import { syncDb } from '../sync-schema.js';
import { sumAccountDays } from './account-days.js';
import { accountTariff, clockUntrusted } from './account-inputs.js';
import { saveCheckpoints, type StoredCheckpoint, usableCheckpoint } from './checkpoint-store.js';
import { compareAccount } from './compare-account.js';
import { writeAccountDay } from './post-adjustments.js';

/** A gateway and local days `fromDay..toDay` (inclusive, 'YYYY-MM-DD'). */
export interface ReconcileRange {
  gatewayId: string;
  fromDay: string;
  toDay: string;
}

export interface ReconcileRun {
  gatewayId: string;
  accountDays: number;
  adjustmentsPosted: number;
  /** Σ adjustments posted by this run (minor units; + = accounts owe more) */
  adjustedMinor: bigint;
  intervalsDiffering: number;
  skipped: { accountId: string; why: string }[];
}

export interface ReconcileDeps {
  /** reads (SQLite: the second connection) */
  reader: Kysely<Database>;
  committer: Committer;
  nowMs: number;
}

/** Longest range one call reconciles. */
export const MAX_RANGE_DAYS = 92;
const ZONE_SLACK_MS = 15 * 3_600_000;

/** Checks a range; throws a RangeError naming the field and the reason. */
export function checkRange(r: ReconcileRange): void {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(r.gatewayId)) {
    throw new RangeError(`gateway: '${r.gatewayId}' is not a gateway id`);
  }
  parseDateKey(r.fromDay, 'from');
  parseDateKey(r.toDay, 'to');
  const days = daysBetween(r.fromDay, r.toDay) + 1;
  if (days < 1) throw new RangeError(`to: ${r.toDay} is before from ${r.fromDay}`);
  if (days > MAX_RANGE_DAYS) {
    throw new RangeError(`to: ${days} days is more than ${MAX_RANGE_DAYS}; split the range`);
  }
}

/**
 * Re-rates every charge a gateway's edge rated on local days `fromDay..toDay` with central's
 * tariff versions (each meter replayed from its latest valid month checkpoint before the
 * range, else from its first charge; new checkpoints saved), and per account-day posts the
 * difference not yet adjusted as one adjustment entry (plus the report row) in one transaction
 * per account. Idempotent: a re-run with nothing changed posts nothing.
 * Example: gw-1, 2026-11-27..2026-11-27, edge and central on the same versions →
 *   { accountDays: 1, adjustmentsPosted: 0, adjustedMinor: 0n, intervalsDiffering: 0, … }.
 */
export async function reconcileGateway(
  deps: ReconcileDeps,
  range: ReconcileRange,
): Promise<ReconcileRun> {
  checkRange(range);
  const run: ReconcileRun = {
    gatewayId: range.gatewayId,
    accountDays: 0,
    adjustmentsPosted: 0,
    adjustedMinor: 0n,
    intervalsDiffering: 0,
    skipped: [],
  };
  const db = syncDb(deps.reader);
  const endKey = addDays(range.toDay, 1);
  const accounts = await edgeChargeAccounts(db, {
    gatewayId: range.gatewayId,
    fromMs: localMidnightUtcMs(range.fromDay, 'UTC') - ZONE_SLACK_MS,
    toMs: localMidnightUtcMs(endKey, 'UTC') + ZONE_SLACK_MS,
  });
  for (const accountId of accounts) await reconcileAccount(deps, range, accountId, run);
  return run;
}

async function reconcileAccount(
  deps: ReconcileDeps,
  range: ReconcileRange,
  accountId: string,
  run: ReconcileRun,
): Promise<void> {
  const db = syncDb(deps.reader);
  const endKey = addDays(range.toDay, 1);
  const gatewayId = range.gatewayId;
  const probe = await readEdgeCharges(db, {
    gatewayId,
    fromMs: localMidnightUtcMs(range.fromDay, 'UTC') - ZONE_SLACK_MS,
    toMs: localMidnightUtcMs(endKey, 'UTC') + ZONE_SLACK_MS,
    accountIds: [accountId],
  });
  const tariff = await accountTariff(db, accountId, probe[0]?.tariffVersionId ?? '');
  if ('skip' in tariff) {
    run.skipped.push({ accountId, why: tariff.skip });
    return;
  }
  const fromMs = localMidnightUtcMs(range.fromDay, tariff.timeZone);
  const toMs = localMidnightUtcMs(endKey, tariff.timeZone);
  const meters = [...new Set(probe.map((c) => c.meterId))];
  const starts = new Map<string, StoredCheckpoint>();
  for (const meterId of meters) {
    const key = { gatewayId, accountId, meterId };
    const cp = await usableCheckpoint(deps.reader, key, fromMs, tariff.versions);
    if (cp) starts.set(meterId, cp);
  }
  const replayFromMs = Math.min(...meters.map((m) => starts.get(m)?.monthStartMs ?? 0), fromMs);
  const charges = await readEdgeCharges(db, {
    gatewayId,
    fromMs: replayFromMs,
    toMs,
    accountIds: [accountId],
  });
  const suspects = await clockUntrusted(db, meters, fromMs, toMs);
  const comparison = compareAccount(charges, tariff.versions, suspects, starts);
  const dayKeys = new Set<string>();
  for (let k = range.fromDay; k !== endKey; k = addDays(k, 1)) dayKeys.add(k);
  const days = sumAccountDays(accountId, comparison.compared, tariff.timeZone, dayKeys);
  const outcomes = await deps.committer.run(async (trx) => {
    const list = [];
    for (const d of days) {
      const dayEndMs = localMidnightUtcMs(addDays(d.day, 1), tariff.timeZone);
      list.push(await writeAccountDay(trx, gatewayId, d, dayEndMs, deps.nowMs));
    }
    for (const [meterId, cps] of comparison.checkpoints) {
      const key = { gatewayId, accountId, meterId };
      await saveCheckpoints(trx, key, cps, tariff.versions);
    }
    return list;
  });
  run.accountDays += days.length;
  for (const d of days) run.intervalsDiffering += d.intervalsDiffering;
  for (const o of outcomes) {
    if (o.entryId) run.adjustmentsPosted += 1;
    run.adjustedMinor += o.adjustmentMinor;
  }
}
