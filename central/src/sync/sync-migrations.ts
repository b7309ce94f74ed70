import { type Migration, Migrator } from 'kysely';
import { createTable } from '../store/create-table.js';
import type { Store } from '../store/store.js';
import { chargeDaysTable } from './charge-days-migration.js';
import { factsCompression } from './facts-compression-migration.js';
import { checkpointTable, reconcileTables } from './rerate/reconcile-migration.js';

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
      await createTable(db, 'sync_streams', stream, { primaryKey: ['gateway_id'], binary });
      const hashes = { gateway_id: T, incarnation: T, seq: B, hash: T };
      await createTable(db, 'sync_event_hashes', hashes, {
        primaryKey: ['gateway_id', 'incarnation', 'seq'],
        binary,
      });
      const applied = { event_id: T, gateway_id: T, kind: T, hash: T };
      await createTable(db, 'sync_applied_events', applied, { primaryKey: ['event_id'], binary });
      const q = { gateway_id: T, incarnation: T, seq: B, event_json: T, reason: T, at_ms: B };
      await createTable(db, 'sync_quarantine', q, {
        primaryKey: ['gateway_id', 'incarnation', 'seq'],
        binary,
      });
      const alarm = { id: T, gateway_id: T, kind: T, detail: T, at_ms: B };
      await createTable(db, 'sync_alarms', alarm, { primaryKey: ['id'], binary });
      const key = {
        gateway_id: T,
        key_id: T,
        public_key: T,
        created_at_ms: B,
        retired_at_ms: 'bigint?' as const,
      };
      await createTable(db, 'sync_gateway_keys', key, {
        primaryKey: ['gateway_id', 'key_id'],
        binary,
      });
      const day = {
        meter_id: T,
        channel: B,
        day_start_ms: B,
        interval_seconds: B,
        packed: 'bytes' as const,
      };
      await createTable(db, 'interval_days', day, {
        primaryKey: ['meter_id', 'channel', 'day_start_ms'],
        binary,
      });
      const read = { meter_id: T, register: T, captured_at_ms: B, value_wh: B, quality: B };
      const readKey = ['meter_id', 'register', 'captured_at_ms'];
      await createTable(db, 'register_reads', read, { primaryKey: readKey, binary });
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
      await createTable(db, 'edge_charges', charge, { primaryKey: ['charge_id'], binary });
      const fact = { event_id: T, gateway_id: T, kind: T, body: T, occurred_at_ms: B };
      await createTable(db, 'edge_facts', fact, { primaryKey: ['event_id'], binary });
    },
  };
}

function feedTables(binary: string): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const change = { gateway_id: T, cseq: B, change_id: T, kind: T, body: T, created_at_ms: B };
      await createTable(db, 'sync_changes', change, { primaryKey: ['gateway_id', 'cseq'], binary });
      await db.schema
        .createIndex('sync_changes_id_uq')
        .on('sync_changes')
        .columns(['gateway_id', 'change_id'])
        .unique()
        .execute();
      const feed = { gateway_id: T, feed_epoch: T, last_cseq: B };
      await createTable(db, 'sync_feeds', feed, { primaryKey: ['gateway_id'], binary });
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
      await createTable(db, 'sync_hash_runs', run, {
        primaryKey: ['gateway_id', 'incarnation', 'from_seq'],
        binary,
      });
    },
  };
}

/**
 * `edge_fact_tables`: the id tables (meters, accounts, tariff versions, registers) of interval
 * blocks, once per distinct set (id: SHA-256 of their JSON); an `edge_facts` block body names
 * its row instead of repeating ~2,000 ids per 1,000-meter block.
 */
function factTables(binary: string): Migration {
  return {
    up: async (db) => {
      const table = { id: 'text' as const, body: 'text' as const };
      await createTable(db, 'edge_fact_tables', table, { primaryKey: ['id'], binary });
    },
  };
}

/**
 * Creates the sync tables on either backend (tracked in `sync_migration`). Run after the core
 * `migrate(store)`. `target` stops at that migration (tests of a later migration's copy).
 */
export async function migrateSync(store: Store, target?: string): Promise<string[]> {
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
        '0006_charge_days': chargeDaysTable(binary),
        '0007_facts_lz4': factsCompression(store.backend),
        '0008_fact_tables': factTables(binary),
      }),
    },
    migrationTableName: 'sync_migration',
    migrationLockTableName: 'sync_migration_lock',
  });
  const { error, results } = await (target
    ? migrator.migrateTo(target)
    : migrator.migrateToLatest());
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`sync migration failed: ${msg}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
