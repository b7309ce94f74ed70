import BetterSqlite3 from 'better-sqlite3';

/** Reads central's SQLite file (read-only) for the convergence checks. */
export function readCentral(file: string) {
  const db = new BetterSqlite3(file, { readonly: true });
  db.defaultSafeIntegers(true);
  try {
    const chargeIds = db
      .prepare("SELECT id FROM ledger_entries WHERE kind = 'charge'")
      .pluck()
      .all() as string[];
    const balances = new Map<string, bigint>();
    const rows = db
      .prepare(
        'SELECT ledger_account, balance_minor FROM ledger_balances ' +
          "WHERE ledger_account LIKE 'receivable:%'",
      )
      .all() as { ledger_account: string; balance_minor: bigint }[];
    for (const r of rows) balances.set(r.ledger_account.split(':')[1] ?? '', r.balance_minor);
    const stream = db.prepare('SELECT * FROM sync_streams').get() as
      | { acked_through_seq: bigint; head_seq: bigint; incarnation: string }
      | undefined;
    const days = db.prepare('SELECT count(*) FROM interval_days').pluck().get() as bigint;
    const applied = db
      .prepare("SELECT count(*) FROM sync_applied_events WHERE kind = 'interval'")
      .pluck()
      .get() as bigint;
    return { chargeIds, balances, stream, days: Number(days), intervalsApplied: Number(applied) };
  } finally {
    db.close();
  }
}
