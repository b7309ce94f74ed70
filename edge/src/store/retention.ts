import type { Database } from 'better-sqlite3';

export interface RetentionResult {
  readings: number;
  intervals: number;
  outbox: number;
}

/**
 * Deletes raw readings and unrated intervals older than `cutoffWallMs`, and outbox rows that
 * are both older and acknowledged by central (nothing unacknowledged is ever deleted). Rated
 * intervals (they hold the charges), old charges, redeemed tokens and relay commands are
 * kept: they guard exactly-once.
 *
 * @example
 * applyRetention(db, 1_700_000_000_000) // → { readings: 96, intervals: 96, outbox: 0 }
 */
export function applyRetention(db: Database, cutoffWallMs: number): RetentionResult {
  const acked = db.prepare("SELECT value FROM meta WHERE key = 'outbox_acked_seq'").pluck().get();
  const ackedSeq = typeof acked === 'string' ? Number.parseInt(acked, 10) : 0;
  return db.transaction(() => ({
    readings: db.prepare('DELETE FROM readings WHERE capture_ms < ?').run(cutoffWallMs).changes,
    // a rated interval row is the charge: kept, like charges always were
    intervals: db
      .prepare('DELETE FROM intervals WHERE end_ms < ? AND charge_id IS NULL')
      .run(cutoffWallMs).changes,
    outbox: db
      .prepare('DELETE FROM outbox WHERE seq <= ? AND occurred_at_ms < ?')
      .run(ackedSeq, cutoffWallMs).changes,
  }))();
}
