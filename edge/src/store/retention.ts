import type { Database } from 'better-sqlite3';

export interface RetentionResult {
  readings: number;
  intervals: number;
  outbox: number;
  cycleRecords: number;
}

/**
 * Cycle records the store no longer needs, all of these true: every read and interval in it
 * is older than the cutoff; no checkpoint replays it (its seq is below every meter and
 * balance checkpoint's `through_seq`, its intervals start before every rating checkpoint's
 * `through_ms`; a checkpoint without one keeps every record); and central has acknowledged
 * every interval block in the outbox (a record's rows go upstream in blocks written with it,
 * so central holds its charges; a block still pending, even a new one, defers the deletion to
 * the next run).
 */
const OLD_CYCLE_RECORDS = `
  DELETE FROM cycle_records
  WHERE max_start_ms < :cutoff AND last_capture_ms < :cutoff
    AND seq < (SELECT min(through_seq) FROM meter_state)
    AND seq < (SELECT min(through_seq) FROM balances)
    AND max_start_ms < (SELECT CASE WHEN count(through_ms) = count(*) THEN min(through_ms) END
      FROM rating_state)
    AND NOT EXISTS (SELECT 1 FROM outbox WHERE seq > :acked AND kind = 'interval-block')`;

/**
 * Deletes raw readings and unrated intervals older than `cutoffWallMs` from the tables written
 * before cycle records (`readings_v1`, `intervals_v1`), outbox rows that are both older and
 * acknowledged by central (nothing unacknowledged is ever deleted), and old cycle records
 * (`OLD_CYCLE_RECORDS`: only those no checkpoint replays and whose blocks central has
 * acknowledged). Rated `intervals_v1` rows, redeemed tokens and relay commands are kept: they
 * guard exactly-once. Charges live on in central's ledger; the gateway's `charges` view then
 * shows the retention window.
 *
 * @example
 * applyRetention(db, 1_700_000_000_000)
 * // → { readings: 96, intervals: 96, outbox: 0, cycleRecords: 2_880 }
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
    // records first: the outbox rows they wait for are still there
    cycleRecords: db.prepare(OLD_CYCLE_RECORDS).run({ cutoff: cutoffWallMs, acked: ackedSeq })
      .changes,
    outbox: db
      .prepare('DELETE FROM outbox WHERE seq <= ? AND occurred_at_ms < ?')
      .run(ackedSeq, cutoffWallMs).changes,
  }))();
}
