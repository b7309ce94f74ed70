import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from './migrations.js';
import { openPostgres } from './open-postgres.js';
import { openSqlite } from './open-sqlite.js';
import type { Database } from './schema.js';

export type Backend = 'sqlite' | 'postgres';

/** An open store: the Kysely handle, which backend it is, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  /**
   * Read-only work outside write transactions (sign-in checks, screens). SQLite: a second
   * connection, so reads do not wait behind a group commit; PostgreSQL: the same pool.
   */
  reader: Kysely<Database>;
  backend: Backend;
  /** The options it was opened with (tests open a second process on the same store). */
  opened: StoreOptions;
  /** Human description without secrets, for logs. */
  describe: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` URL, a SQLite file path, or undefined for `<dataDir>/central.sqlite`. */
  db?: string;
  dataDir?: string;
  /** PostgreSQL schema (tests use one per file). */
  pgSchema?: string;
}

/**
 * Opens the store named by `--db`.
 *
 * @example openStore({ dataDir: '/var/lib/gridbill' })  // SQLite /var/lib/gridbill/central.sqlite
 * @example openStore({ db: 'postgres://postgres@127.0.0.1:55432/gridbill' })  // PostgreSQL
 */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const target = opts.db ?? join(opts.dataDir ?? 'gridbill-data', 'central.sqlite');
  if (/^postgres(ql)?:\/\//.test(target)) {
    const { db, pool } = openPostgres({ url: target, schema: opts.pgSchema });
    if (opts.pgSchema) await sql`create schema if not exists ${sql.id(opts.pgSchema)}`.execute(db);
    const host = new URL(target).host;
    const close = () => pool.end();
    const describe = `postgres ${host}`;
    return { db, reader: db, backend: 'postgres', opened: opts, describe, close };
  }
  const file = target.replace(/^sqlite:/, '');
  const { db, conn } = openSqlite(file);
  const read = openSqlite(file);
  const close = async () => {
    await db.destroy();
    await read.db.destroy();
    if (conn.open) conn.close();
    if (read.conn.open) read.conn.close();
  };
  const opened = { ...opts, db: file };
  return { db, reader: read.db, backend: 'sqlite', opened, describe: `sqlite ${file}`, close };
}

/** Applies pending migrations; returns the names applied. Throws naming the failed one. */
export async function migrate(store: Store): Promise<string[]> {
  // PostgreSQL: name the schema, or Kysely may find another schema's migration tables.
  const migrationTableSchema =
    store.backend === 'postgres' ? (store.opened.pgSchema ?? 'public') : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider,
    migrationTableSchema,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${msg}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
