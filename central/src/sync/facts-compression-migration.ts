import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Sync migration 0007: on PostgreSQL built with lz4, `edge_facts.body` (an interval block's
 * reads and balances, ≈ 60 kB of JSON per 1,000-meter block) is TOAST-compressed with lz4
 * instead of pglz: measured ≈ 1.2–1.7 → 0.2 µs of server CPU per reading at ingest, and
 * smaller (2.7 vs 3.1 MB for 148 blocks). Rows stored before stay pglz (both read the same).
 * A server without lz4, and SQLite, change nothing.
 * Example: PostgreSQL 15 with lz4 → pg_attribute.attcompression of edge_facts.body = 'l'.
 */
export function factsCompression(backend: 'sqlite' | 'postgres'): Migration {
  return {
    up: async (db) => {
      if (backend !== 'postgres' || !(await hasLz4(db))) return;
      await sql`alter table edge_facts alter column body set compression lz4`.execute(db);
    },
  };
}

async function hasLz4(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{ lz4: boolean }>`select coalesce(bool_or('lz4' = any(enumvals)), false)
    as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db);
  return r.rows[0]?.lz4 === true;
}
