import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { SyncDatabase } from '../sync-schema.js';

/** Tables of re-rating and the reconciliation report (`reconcile-migration.ts`). */
export interface ReconcileTables {
  /** The report, one row per gateway × account × local day (rewritten by each run). */
  reconcile_days: {
    gateway_id: string;
    account_id: string;
    /** local date 'YYYY-MM-DD' in the site time zone */
    day: string;
    currency: string;
    edge_total_minor: bigint;
    central_total_minor: bigint;
    /** Σ re-rating adjustments posted for this account-day, all revisions */
    adjustments_minor: bigint;
    intervals: bigint;
    intervals_differing: bigint;
    /** intervals no central tariff version covers (central kept the edge amount) */
    unrated: bigint;
    /** JSON object: reason code → differing intervals */
    reasons: string;
    /** adjustments posted so far for this account-day */
    revision: bigint;
    updated_at_ms: bigint;
  };
  reconcile_adjustments: {
    entry_id: string;
    gateway_id: string;
    account_id: string;
    day: string;
    revision: bigint;
    amount_minor: bigint;
    reason: string;
    created_at_ms: bigint;
  };
  /** Trigger cursor of the serve job: last ledger seq and tariff import time looked at. */
  reconcile_cursor: { name: string; ledger_seq: bigint; tariff_created_ms: bigint };
  /** A meter's replay state before the first interval of a local month (a cache). */
  rerate_checkpoints: {
    gateway_id: string;
    account_id: string;
    meter_id: string;
    month_start_ms: bigint;
    /** `versionsKey` of central's versions before the month */
    versions_key: string;
    /** edge charges of the meter before the month (count, Σ Wh) when it was saved */
    charges_before: bigint;
    energy_before_wh: bigint;
    /** tier accumulators carried into the month (JSON) */
    carry: string;
    /** running kernel total, 1e-9 currency (decimal) */
    total_nano: string;
    posted_minor: bigint;
  };
}

export type ReconcileDatabase = SyncDatabase & ReconcileTables;
export type ReconcileDb = Kysely<ReconcileDatabase>;
export type ReconcileTrx = Transaction<ReconcileDatabase>;

/** The store handle seen with the reconcile tables. */
export function reconcileDb(db: Kysely<Database>): ReconcileDb {
  return db as unknown as ReconcileDb;
}
