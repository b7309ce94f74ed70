import type { Database } from 'better-sqlite3';

export interface RetentionResult {
  readings: number;
  intervals: number;
  outbox: number;
}

/**
 * Deletes raw readings and unrated intervals older than `cutoffWallMs` from the tables written
 * before cycle records (`readings_v1`, `intervals_v1`), and outbox rows that are both older
 * and acknowledged by central (nothing unacknowledged is ever deleted). Cycle records are kept
 * whole (they hold the charges: nothing posted is edited), as are rated intervals, old
 * charges, redeemed tokens and relay commands: they guard exactly-once.
 *
 * @example
 * applyRetention(db, 1_700_000_000_000) // → { readings: 96, intervals: 96, outbox: 0 }
 */
export function applyRetention(db: Database, cutoffWallMs: number): RetentionResult {
  const acked = db.prepare("SELECT value FROM meta WHERE key = 'outbox_acked_seq'").pluck().get();
  const ackedSeq = typeof acked === 'string' ? Number.parseInt(acked, 10) : 0;
  return db.transaction(() => ({
    readings: db.prepare('DELETE FROM readings_v1 WHERE capture_ms < ?').run(cutoffWallMs).changes,
    // a rated interval row is the charge: kept, like charges always were
    intervals: db
      .prepare('DELETE FROM intervals_v1 WHERE end_ms < ? AND charge_id IS NULL')
      .run(cutoffWallMs).changes,
    outbox: db
      .prepare('DELETE FROM outbox WHERE seq <= ? AND occurred_at_ms < ?')
      .run(ackedSeq, cutoffWallMs).changes,
  }))();
}
