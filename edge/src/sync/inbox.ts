import type { Database } from 'better-sqlite3';

/**
 * Tables of the downstream side (created if missing; kept out of the store's numbered
 * migrations while those are being edited): the inbox (one row per applied change id), the
 * relay orders and assignments received. The checkpoint lives in `meta.sync_checkpoint`.
 */
export function ensureInboxTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS sync_inbox (
      change_id TEXT PRIMARY KEY, cseq INTEGER NOT NULL, kind TEXT NOT NULL,
      outcome TEXT NOT NULL, applied_wall_ms INTEGER NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS sync_relay_orders (
      order_id TEXT PRIMARY KEY, meter_id TEXT NOT NULL, action TEXT NOT NULL,
      priority INTEGER NOT NULL, reason TEXT NOT NULL, issued_at_ms INTEGER NOT NULL,
      expires_at_ms INTEGER NOT NULL, status TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS sync_assignments (
      kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (kind, key)) STRICT;`);
}

export interface StoredCheckpoint {
  feedEpoch: string;
  cseq: number;
}

export function readCheckpoint(db: Database): StoredCheckpoint | null {
  const v = db.prepare("SELECT value FROM meta WHERE key = 'sync_checkpoint'").pluck().get();
  return typeof v === 'string' ? (JSON.parse(v) as StoredCheckpoint) : null;
}

export function writeCheckpoint(db: Database, c: StoredCheckpoint): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES ('sync_checkpoint', ?) " +
      'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(JSON.stringify(c));
}
