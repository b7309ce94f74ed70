import type { Database, Statement } from 'better-sqlite3';

/** Prepared statements for the domain tables, created once per connection. */
export class Statements {
  readonly insertReading: Statement;
  readonly insertInterval: Statement;
  readonly insertCharge: Statement;
  readonly chargeExists: Statement;
  readonly insertQuarantine: Statement;
  readonly upsertBalance: Statement;
  readonly upsertMeterState: Statement;
  readonly upsertRelayState: Statement;
  readonly upsertRatingState: Statement;
  readonly insertCommand: Statement;
  readonly updateCommand: Statement;
  readonly insertRedeemed: Statement;
  readonly insertTokenFailure: Statement;

  constructor(db: Database) {
    this.insertReading = db.prepare(
      'INSERT OR IGNORE INTO readings ' +
        '(capture_ms, meter_id, register, value_wh, serial, quality) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertInterval = db.prepare(
      'INSERT OR IGNORE INTO intervals (start_ms, meter_id, end_ms, energy_wh, flags, source) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertCharge = db.prepare(
      'INSERT OR IGNORE INTO charges (id, meter_id, account_id, interval_start_ms, ' +
        'tariff_version, energy_wh, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.chargeExists = db
      .prepare(
        'SELECT 1 FROM charges WHERE interval_start_ms = ? AND meter_id = ? AND tariff_version = ?',
      )
      .pluck();
    this.insertQuarantine = db.prepare(
      'INSERT OR IGNORE INTO quarantine (meter_id, capture_ms, reason, detail) VALUES (?, ?, ?, ?)',
    );
    this.upsertBalance = db.prepare(
      'INSERT INTO balances (account_id, balance_minor, updated_wall_ms) VALUES (?, ?, ?) ' +
        'ON CONFLICT (account_id) DO UPDATE SET balance_minor = excluded.balance_minor, ' +
        'updated_wall_ms = excluded.updated_wall_ms',
    );
    this.upsertMeterState = upsert(db, 'meter_state', 'meter_id');
    this.upsertRelayState = upsert(db, 'relay_state', 'meter_id');
    this.upsertRatingState = db.prepare(
      'INSERT INTO rating_state (meter_id, tariff_id, state) VALUES (?, ?, ?) ' +
        'ON CONFLICT (meter_id, tariff_id) DO UPDATE SET state = excluded.state',
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

function upsert(db: Database, table: string, key: string): Statement {
  return db.prepare(
    `INSERT INTO ${table} (${key}, state) VALUES (?, ?) ` +
      `ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`,
  );
}
