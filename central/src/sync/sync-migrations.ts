import { type Kysely, type Migration, Migrator } from 'kysely';
import { type ColumnType, createTable } from '../store/create-table.js';
import type { Store } from '../store/store.js';
import { checkpointTable, reconcileTables } from './rerate/reconcile-migration.js';

function table(
  db: Kysely<unknown>,
  binary: string,
  name: string,
  spec: Record<string, ColumnType>,
  primaryKey: string[],
): Promise<void> {
  return createTable(db, name, spec, { primaryKey, binary });
}

function syncTables(binary: string): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const stream = {
        gateway_id: T,
        incarnation: T,
        acked_through_seq: B,
        head_seq: B,
        retired: T,
        last_contact_ms: B,
        oldest_pending_ms: B,
      };
      await table(db, binary, 'sync_streams', stream, ['gateway_id']);
      const hashes = { gateway_id: T, incarnation: T, seq: B, hash: T };
      await table(db, binary, 'sync_event_hashes', hashes, ['gateway_id', 'incarnation', 'seq']);
      const applied = { event_id: T, gateway_id: T, kind: T, hash: T };
      await table(db, binary, 'sync_applied_events', applied, ['event_id']);
      const q = { gateway_id: T, incarnation: T, seq: B, event_json: T, reason: T, at_ms: B };
      await table(db, binary, 'sync_quarantine', q, ['gateway_id', 'incarnation', 'seq']);
      const alarm = { id: T, gateway_id: T, kind: T, detail: T, at_ms: B };
      await table(db, binary, 'sync_alarms', alarm, ['id']);
      const key = {
        gateway_id: T,
        key_id: T,
        public_key: T,
        created_at_ms: B,
        retired_at_ms: 'bigint?' as const,
      };
      await table(db, binary, 'sync_gateway_keys', key, ['gateway_id', 'key_id']);
      const day = {
        meter_id: T,
        channel: B,
        day_start_ms: B,
        interval_seconds: B,
        packed: 'bytes' as const,
      };
      await table(db, binary, 'interval_days', day, ['meter_id', 'channel', 'day_start_ms']);
      const read = { meter_id: T, register: T, captured_at_ms: B, value_wh: B, quality: B };
      const readKey = ['meter_id', 'register', 'captured_at_ms'];
      await table(db, binary, 'register_reads', read, readKey);
      const charge = {
        charge_id: T,
        gateway_id: T,
        account_id: T,
        meter_id: T,
        interval_start_ms: B,
        interval_seconds: B,
        energy_wh: B,
        amount_minor: B,
        currency: T,
        tariff_version_id: T,
        price_source: T,
      };
      await table(db, binary, 'edge_charges', charge, ['charge_id']);
      const fact = { event_id: T, gateway_id: T, kind: T, body: T, occurred_at_ms: B };
      await table(db, binary, 'edge_facts', fact, ['event_id']);
    },
  };
}

function feedTables(binary: string): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const change = { gateway_id: T, cseq: B, change_id: T, kind: T, body: T, created_at_ms: B };
      await table(db, binary, 'sync_changes', change, ['gateway_id', 'cseq']);
      await db.schema
        .createIndex('sync_changes_id_uq')
        .on('sync_changes')
        .columns(['gateway_id', 'change_id'])
        .unique()
        .execute();
      const feed = { gateway_id: T, feed_epoch: T, last_cseq: B };
      await table(db, binary, 'sync_feeds', feed, ['gateway_id']);
    },
  };
}

function hashRuns(binary: string): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const run = {
        gateway_id: T,
        incarnation: T,
        from_seq: B,
        count: B,
        hashes: 'bytes' as const,
      };
      await table(db, binary, 'sync_hash_runs', run, ['gateway_id', 'incarnation', 'from_seq']);
    },
  };
}

/**
 * Creates the sync tables on either backend (tracked in `sync_migration`). Run after the core
 * `migrate(store)`.
 */
export async function migrateSync(store: Store): Promise<string[]> {
  const binary = store.backend === 'postgres' ? 'bytea' : 'blob';
  // PostgreSQL: name the schema, as `migrate` does, or Kysely may look in another schema.
  const migrationTableSchema =
    store.backend === 'postgres' ? (store.opened.pgSchema ?? 'public') : undefined;
  const migrator = new Migrator({
    db: store.db,
    migrationTableSchema,
    provider: {
      getMigrations: async () => ({
        '0001_sync': syncTables(binary),
        '0002_feed': feedTables(binary),
        '0003_hash_runs': hashRuns(binary),
        '0004_reconcile': reconcileTables(),
        '0005_rerate_checkpoints': checkpointTable(),
      }),
    },
    migrationTableName: 'sync_migration',
    migrationLockTableName: 'sync_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`sync migration failed: ${msg}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
