import type { Database } from 'better-sqlite3';
import { BALANCE_CHECKPOINTS_MIGRATION } from './migration-balance-checkpoints.js';
import { CYCLE_RECORDS_MIGRATION } from './migration-cycle-records.js';
import { RATED_INTERVALS_MIGRATION } from './migration-rated-intervals.js';
import { RATING_CHECKPOINT_MIGRATION } from './migration-rating-checkpoint.js';
import { STANDING_CHARGES_MIGRATION } from './migration-standing-charges.js';

/**
 * Schema migrations, applied in order; `meta.schema_version` records the last one.
 * Readings, intervals and charges are keyed in arrival order (time first) because that is 5x
 * faster to insert than random keys (performance.md §3.8); a charge's deterministic id is a
 * function of its key (meter, interval start, tariff version), so the key is the exactly-once
 * guard.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
   CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, event_id TEXT NOT NULL,
     body TEXT NOT NULL, occurred_at_ms INTEGER NOT NULL,
     clock_trusted INTEGER NOT NULL) STRICT;
   CREATE TABLE readings (
     capture_ms INTEGER NOT NULL, meter_id TEXT NOT NULL, register TEXT NOT NULL,
     value_wh INTEGER NOT NULL, serial TEXT, quality TEXT NOT NULL,
     PRIMARY KEY (capture_ms, meter_id, register)) STRICT, WITHOUT ROWID;
   CREATE TABLE intervals (
     start_ms INTEGER NOT NULL, meter_id TEXT NOT NULL, end_ms INTEGER NOT NULL,
     energy_wh INTEGER NOT NULL, flags TEXT NOT NULL, source TEXT NOT NULL,
     PRIMARY KEY (start_ms, meter_id)) STRICT, WITHOUT ROWID;
   CREATE TABLE charges (
     interval_start_ms INTEGER NOT NULL, meter_id TEXT NOT NULL, tariff_version TEXT NOT NULL,
     id TEXT NOT NULL, account_id TEXT NOT NULL,
     energy_wh INTEGER NOT NULL, amount_minor TEXT NOT NULL,
     PRIMARY KEY (interval_start_ms, meter_id, tariff_version)) STRICT, WITHOUT ROWID;
   CREATE TABLE quarantine (
     meter_id TEXT NOT NULL, capture_ms INTEGER NOT NULL, reason TEXT NOT NULL,
     detail TEXT NOT NULL, PRIMARY KEY (meter_id, capture_ms, reason)) STRICT;
   CREATE TABLE rating_state (meter_id TEXT NOT NULL, tariff_id TEXT NOT NULL,
     state TEXT NOT NULL, PRIMARY KEY (meter_id, tariff_id)) STRICT;
   CREATE TABLE balances (account_id TEXT PRIMARY KEY, balance_minor TEXT NOT NULL,
     updated_wall_ms INTEGER NOT NULL) STRICT;
   CREATE TABLE meter_state (meter_id TEXT PRIMARY KEY, state TEXT NOT NULL) STRICT;
   CREATE TABLE relay_state (meter_id TEXT PRIMARY KEY, state TEXT NOT NULL) STRICT;
   CREATE TABLE relay_commands (
     id TEXT PRIMARY KEY, meter_id TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
     status TEXT NOT NULL, attempts INTEGER NOT NULL, created_wall_ms INTEGER NOT NULL,
     updated_wall_ms INTEGER NOT NULL, last_error TEXT) STRICT;
   CREATE INDEX relay_commands_open ON relay_commands (status)
     WHERE status NOT IN ('done', 'failed');
   CREATE TABLE redeemed_tokens (
     token_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, amount_minor TEXT NOT NULL,
     redeemed_wall_ms INTEGER NOT NULL) STRICT;
   CREATE TABLE token_failures (wall_ms INTEGER NOT NULL, reason TEXT NOT NULL) STRICT;
   CREATE TABLE tariff_versions (
     id TEXT PRIMARY KEY, tariff_id TEXT NOT NULL, effective_from_ms INTEGER NOT NULL,
     document TEXT NOT NULL) STRICT;`,
  `CREATE TABLE dlms_invocation_counters (meter_id TEXT PRIMARY KEY,
     reserved_up_to INTEGER NOT NULL) STRICT;`,
  // relay orders (central feed, MQTT, local operator): one row per order id; `holding` marks
  // the order whose priority currently holds the meter's relay open (disconnect/lock)
  `CREATE TABLE relay_orders (
     order_id TEXT PRIMARY KEY, meter_id TEXT NOT NULL, action TEXT NOT NULL,
     priority INTEGER NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL,
     issued_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
     received_wall_ms INTEGER NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL,
     holding INTEGER NOT NULL) STRICT;
   CREATE INDEX relay_orders_holding ON relay_orders (meter_id) WHERE holding = 1;
   CREATE TABLE safe_mode_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL) STRICT;`,
  RATED_INTERVALS_MIGRATION,
  RATING_CHECKPOINT_MIGRATION,
  CYCLE_RECORDS_MIGRATION,
  STANDING_CHARGES_MIGRATION,
  BALANCE_CHECKPOINTS_MIGRATION,
];

/** Applies pending migrations inside one transaction each; returns the resulting version. */
export function migrate(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT');
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  let version = row ? Number.parseInt(row.value, 10) : 0;
  if (version > MIGRATIONS.length)
    throw new Error(`store schema version ${version} is newer than this gateway knows`);
  const setVersion = db.prepare(
    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) " +
      'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  while (version < MIGRATIONS.length) {
    const sql = (MIGRATIONS[version] ?? '').replace(/CREATE TABLE meta [^;]*;/, '');
    db.transaction(() => {
      db.exec(sql);
      setVersion.run(String(version + 1));
    })();
    version += 1;
  }
  return version;
}
