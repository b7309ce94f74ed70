import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Sync tables (created by `migrateSync`, tracked in their own migration table so the core
 * migration list stays the central engineer's). Integers are bigint on both backends.
 */
export interface SyncTables {
  sync_streams: {
    gateway_id: string;
    incarnation: string;
    acked_through_seq: bigint;
    head_seq: bigint;
    /** JSON array of retired incarnation ids. */
    retired: string;
    last_contact_ms: bigint;
    /** occurredAtMs of the oldest event the edge still holds unacknowledged (0 = none). */
    oldest_pending_ms: bigint;
  };
  sync_event_hashes: { gateway_id: string; incarnation: string; seq: bigint; hash: string };
  /** SHA-256 content hashes of seqs from_seq..from_seq+count-1, 32 bytes each. */
  sync_hash_runs: {
    gateway_id: string;
    incarnation: string;
    from_seq: bigint;
    count: bigint;
    hashes: Uint8Array;
  };
  sync_applied_events: { event_id: string; gateway_id: string; kind: string; hash: string };
  sync_quarantine: {
    gateway_id: string;
    incarnation: string;
    seq: bigint;
    event_json: string;
    reason: string;
    at_ms: bigint;
  };
  sync_alarms: { id: string; gateway_id: string; kind: string; detail: string; at_ms: bigint };
  sync_gateway_keys: {
    gateway_id: string;
    key_id: string;
    public_key: string;
    created_at_ms: bigint;
    retired_at_ms: bigint | null;
  };
  interval_days: {
    meter_id: string;
    channel: bigint;
    day_start_ms: bigint;
    interval_seconds: bigint;
    packed: Uint8Array;
  };
  register_reads: {
    meter_id: string;
    register: string;
    captured_at_ms: bigint;
    value_wh: bigint;
    quality: bigint;
  };
  /**
   * Edge-rated charges packed per gateway × meter × account × UTC day (`encodeChargeDay`,
   * `@gridbill/shared/sync`); replaced the row-per-interval `edge_charges` (migration 0006).
   */
  edge_charge_days: {
    gateway_id: string;
    day_start_ms: bigint;
    meter_id: string;
    account_id: string;
    packed: Uint8Array;
  };
  sync_changes: {
    gateway_id: string;
    cseq: bigint;
    change_id: string;
    kind: string;
    /** The change body as wire JSON (money as decimal strings). */
    body: string;
    created_at_ms: bigint;
  };
  sync_feeds: { gateway_id: string; feed_epoch: string; last_cseq: bigint };
  /** Id tables of interval blocks, once per distinct set (`blockTables`). */
  edge_fact_tables: { id: string; body: string };
  edge_facts: {
    event_id: string;
    gateway_id: string;
    kind: string;
    body: string;
    occurred_at_ms: bigint;
  };
}

export type SyncDatabase = Database & SyncTables;
export type SyncDb = Kysely<SyncDatabase>;
export type SyncTrx = Transaction<SyncDatabase>;

/** The core store handle seen with the sync tables. */
export function syncDb(db: Kysely<Database>): SyncDb {
  return db as unknown as SyncDb;
}

export function syncTrx(trx: Transaction<Database>): SyncTrx {
  return trx as unknown as SyncTrx;
}
