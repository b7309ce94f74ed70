import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations.js';
import { registerStoreFunctions } from './store-functions.js';

export class StoreIntegrityError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`store ${path} failed integrity_check: ${detail}`);
    this.name = 'StoreIntegrityError';
  }
}

export interface OpenStoreOptions {
  /** Creates the incarnation id when the database is created (e.g. crypto.randomUUID). */
  newIncarnationId: () => string;
  /** Wall time stamped as the creation time of a new database. */
  wallMs: number;
  readonly?: boolean;
  /**
   * `refuse` (default): a failed integrity check throws `StoreIntegrityError`. `safe-mode`:
   * the store opens and the problem is kept for the engine (`integrityProblemOf`), which then
   * starts in safe mode.
   */
  onIntegrityFailure?: 'refuse' | 'safe-mode';
}

const integrityProblems = new WeakMap<Database, string>();

/**
 * The integrity problem found when `db` was opened with `onIntegrityFailure: 'safe-mode'`.
 *
 * @example
 * integrityProblemOf(db) // → 'CHECK constraint failed in t' (or undefined when sound)
 */
export function integrityProblemOf(db: Database): string | undefined {
  return integrityProblems.get(db);
}

export interface OpenedDatabase {
  db: Database;
  incarnationId: string;
  createdWallMs: number;
}

/**
 * Opens the gateway database: WAL, `synchronous=FULL` (asserted: better-sqlite3 reopens WAL
 * files at NORMAL otherwise), `integrity_check`, migrations, incarnation id.
 *
 * @example
 * openDatabase('/var/lib/gw/gateway.db', { newIncarnationId: randomUUID, wallMs: 0 })
 * // → { db, incarnationId: '0b7c…', createdWallMs: 0 } (same id on every later open)
 */
export function openDatabase(path: string, options: OpenStoreOptions): OpenedDatabase {
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  registerStoreFunctions(db);
  try {
    try {
      configureConnection(db, path, options.readonly ?? false);
    } catch (err) {
      if (!(err instanceof StoreIntegrityError) || options.onIntegrityFailure !== 'safe-mode')
        throw err;
      integrityProblems.set(db, err.detail);
    }
    if (options.readonly) return { db, ...readIncarnation(db) };
    migrate(db);
    return { db, ...ensureIncarnation(db, options) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Sets and asserts the durability pragmas on one connection, then checks integrity. */
export function configureConnection(db: Database, path: string, readonly: boolean): void {
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const sync = db.pragma('synchronous', { simple: true });
  if (sync !== 2) throw new Error(`store ${path}: synchronous is ${String(sync)}, expected 2`);
  const check = db.pragma('integrity_check', { simple: true });
  if (check !== 'ok') throw new StoreIntegrityError(path, String(check));
}

function ensureIncarnation(db: Database, options: OpenStoreOptions) {
  const insert = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    insert.run('incarnation_id', options.newIncarnationId());
    insert.run('created_wall_ms', String(options.wallMs));
    insert.run('outbox_seq', '0');
  })();
  return readIncarnation(db);
}

function readIncarnation(db: Database): { incarnationId: string; createdWallMs: number } {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const incarnationId = get.get('incarnation_id') as string | undefined;
  const created = get.get('created_wall_ms') as string | undefined;
  if (!incarnationId || created === undefined) throw new Error('store has no incarnation id');
  return { incarnationId, createdWallMs: Number.parseInt(created, 10) };
}
