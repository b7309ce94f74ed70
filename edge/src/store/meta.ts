import type { Database } from 'better-sqlite3';

/**
 * One value of the `meta` key/value table (text), or undefined when unset.
 * Example: readMeta(db, 'incarnation_id') → '0193a2c4-…'; readMeta(db, 'nope') → undefined.
 */
export function readMeta(db: Database, key: string): string | undefined {
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Sets one `meta` value (insert or replace; inside the caller's transaction when there is one).
 * Example: writeMeta(db, 'sync_checkpoint', '{"feedEpoch":"e1","cseq":4}').
 */
export function writeMeta(db: Database, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ' +
      'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
