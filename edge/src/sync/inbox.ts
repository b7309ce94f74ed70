import type { Database } from 'better-sqlite3';
import { readMeta, writeMeta } from '../store/meta.js';

/**
 * Tables of the downstream side (created if missing; kept out of the store's numbered
 * migrations while those are being edited): the inbox (one row per applied change id), the
 * relay orders and assignments received, and the keys central announced (`sync_keys`).
 * The checkpoint lives in `meta.sync_checkpoint`.
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
      PRIMARY KEY (kind, key)) STRICT;
    CREATE TABLE IF NOT EXISTS sync_keys (
      purpose TEXT NOT NULL, key_id TEXT NOT NULL, public_key TEXT NOT NULL,
      valid_from_ms INTEGER NOT NULL, retire_at_ms INTEGER,
      PRIMARY KEY (purpose, key_id)) STRICT;`);
}

export interface StoredCheckpoint {
  feedEpoch: string;
  cseq: number;
}

export function readCheckpoint(db: Database): StoredCheckpoint | null {
  const v = readMeta(db, 'sync_checkpoint');
  return v === undefined ? null : (JSON.parse(v) as StoredCheckpoint);
}

export function writeCheckpoint(db: Database, c: StoredCheckpoint): void {
  writeMeta(db, 'sync_checkpoint', JSON.stringify(c));
}

/**
 * Keeps the newest version of an assignment (meter, account, key) by (kind, key).
 * Example: ('account-assignment', 'A-1', 2, json) over version 1 → true; version 1 again
 * → false.
 */
export function upsertAssignment(
  db: Database,
  kind: string,
  key: string,
  version: number,
  body: unknown,
): boolean {
  const json = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
  const r = db
    .prepare(
      'INSERT INTO sync_assignments VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE ' +
        'SET version = excluded.version, body = excluded.body WHERE excluded.version > version',
    )
    .run(kind, key, version, json);
  return r.changes > 0;
}

const PENDING_SEEDS = 'sync_seed_pending';

/** Accounts learned from the feed whose balance still waits for a snapshot (crash-safe). */
export function pendingSeeds(db: Database): string[] {
  const v = readMeta(db, PENDING_SEEDS);
  return v === undefined ? [] : (JSON.parse(v) as string[]);
}

/** Sets the accounts waiting for a balance seed (inside the caller's transaction). */
export function setPendingSeeds(db: Database, accountIds: readonly string[]): void {
  writeMeta(db, PENDING_SEEDS, JSON.stringify([...new Set(accountIds)].sort()));
}
