import type { Database, Statement } from 'better-sqlite3';
import { RowBuffer } from './row-buffer.js';

/**
 * Prepared statements for the domain tables, created once per connection; the per-cycle
 * writes are `RowBuffer`s (buffered, written by `flushCycle` inside the transaction).
 */
export class Statements {
  readonly insertReading: Statement;
  /** Interval rows with their charge columns, written per cycle by `RowBuffer`. */
  readonly intervalRows: RowBuffer;
  readonly intervalExists: Statement;
  readonly insertQuarantine: Statement;
  /** Per-cycle state writes, buffered and written as multi-row upserts by the engine. */
  readonly upsertBalance: RowBuffer;
  readonly upsertMeterState: RowBuffer;
  readonly upsertRelayState: RowBuffer;
  readonly upsertRatingState: RowBuffer;
  readonly insertCommand: Statement;
  readonly updateCommand: Statement;
  readonly insertRedeemed: Statement;
  readonly insertTokenFailure: Statement;

  constructor(db: Database) {
    this.insertReading = db.prepare(
      'INSERT OR IGNORE INTO readings ' +
        '(capture_ms, meter_id, register, value_wh, serial, quality) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // plain INSERT: `intervalExists` is checked before rating, so a conflict here is a bug
    // and must roll the cycle back rather than drop a rated interval silently
    this.intervalRows = new RowBuffer(
      db,
      'INSERT INTO intervals (start_ms, meter_id, end_ms, energy_wh, flags, source, ' +
        'charge_id, account_id, tariff_version, amount_minor) VALUES',
      10,
    );
    this.intervalExists = db
      .prepare('SELECT 1 FROM intervals WHERE start_ms = ? AND meter_id = ?')
      .pluck();
    this.insertQuarantine = db.prepare(
      'INSERT OR IGNORE INTO quarantine (meter_id, capture_ms, reason, detail) VALUES (?, ?, ?, ?)',
    );
    this.upsertBalance = new RowBuffer(
      db,
      'INSERT INTO balances (account_id, balance_minor, updated_wall_ms) VALUES',
      3,
      'ON CONFLICT (account_id) DO UPDATE SET balance_minor = excluded.balance_minor, ' +
        'updated_wall_ms = excluded.updated_wall_ms',
    );
    this.upsertMeterState = upsert(db, 'meter_state', 'meter_id');
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
}

function cycleBuffers(s: Statements): RowBuffer[] {
  return [
    s.intervalRows,
    s.upsertBalance,
    s.upsertMeterState,
    s.upsertRelayState,
    s.upsertRatingState,
  ];
}

function upsert(db: Database, table: string, key: string): RowBuffer {
  const prefix = `INSERT INTO ${table} (${key}, state) VALUES`;
  return new RowBuffer(db, prefix, 2, `ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`);
}
