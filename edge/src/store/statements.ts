import type { Database, Statement } from 'better-sqlite3';
import { CycleRecordWriter } from './cycle-record.js';
import { RowBuffer } from './row-buffer.js';

/**
 * Prepared statements for the domain tables, created once per connection; the per-cycle
 * writes are `RowBuffer`s (buffered, written by `flushCycle` inside the transaction).
 */
export class Statements {
  /** The transaction's reads, intervals and VEE states: one `cycle_records` row. */
  readonly cycleRecord: CycleRecordWriter;
  readonly insertQuarantine: Statement;
  /**
   * Per-cycle state writes, buffered and written as multi-row upserts by the engine; balance
   * and meter rows are checkpoints (the cycle records after `through_seq` move them on).
   */
  readonly upsertBalance: RowBuffer;
  readonly upsertMeterState: RowBuffer;
  readonly upsertRelayState: RowBuffer;
  readonly upsertRatingState: RowBuffer;
  readonly insertCommand: Statement;
  readonly updateCommand: Statement;
  readonly insertRedeemed: Statement;
  readonly insertTokenFailure: Statement;

  constructor(db: Database) {
    this.cycleRecord = new CycleRecordWriter(db);
    this.insertQuarantine = db.prepare(
      'INSERT OR IGNORE INTO quarantine (meter_id, capture_ms, reason, detail) VALUES (?, ?, ?, ?)',
    );
    this.upsertBalance = new RowBuffer(
      db,
      'INSERT INTO balances (account_id, balance_minor, updated_wall_ms, through_seq) VALUES',
      4,
      'ON CONFLICT (account_id) DO UPDATE SET balance_minor = excluded.balance_minor, ' +
        'updated_wall_ms = excluded.updated_wall_ms, through_seq = excluded.through_seq',
    );
    this.upsertMeterState = new RowBuffer(
      db,
      'INSERT INTO meter_state (meter_id, state, through_seq) VALUES',
      3,
      'ON CONFLICT (meter_id) DO UPDATE SET state = excluded.state, ' +
        'through_seq = excluded.through_seq',
    );
    this.upsertRelayState = upsert(db, 'relay_state', 'meter_id');
    this.upsertRatingState = new RowBuffer(
      db,
      'INSERT INTO rating_state (meter_id, tariff_id, state, through_ms) VALUES',
      4,
      'ON CONFLICT (meter_id, tariff_id) DO UPDATE SET state = excluded.state, ' +
        'through_ms = excluded.through_ms',
    );
    this.insertCommand = db.prepare(
      'INSERT OR IGNORE INTO relay_commands (id, meter_id, action, reason, status, attempts, ' +
        "created_wall_ms, updated_wall_ms) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
    );
    this.updateCommand = db.prepare(
      'UPDATE relay_commands SET status = ?, attempts = ?, updated_wall_ms = ?, last_error = ? ' +
        'WHERE id = ?',
    );
    this.insertRedeemed = db.prepare(
      'INSERT OR IGNORE INTO redeemed_tokens (token_id, account_id, amount_minor, ' +
        'redeemed_wall_ms) VALUES (?, ?, ?, ?)',
    );
    this.insertTokenFailure = db.prepare(
      'INSERT INTO token_failures (wall_ms, reason) VALUES (?, ?)',
    );
  }
}

/** Writes every buffered row (end of the engine transaction, before commit). */
export function flushCycle(s: Statements): void {
  for (const b of cycleBuffers(s)) b.flush();
}

/** Drops every buffered row (the transaction rolled back). */
export function discardCycle(s: Statements): void {
  for (const b of cycleBuffers(s)) b.discard();
  s.cycleRecord.discard();
}

function cycleBuffers(s: Statements): RowBuffer[] {
  return [s.upsertBalance, s.upsertMeterState, s.upsertRelayState, s.upsertRatingState];
}

function upsert(db: Database, table: string, key: string): RowBuffer {
  const prefix = `INSERT INTO ${table} (${key}, state) VALUES`;
  return new RowBuffer(db, prefix, 2, `ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`);
}
