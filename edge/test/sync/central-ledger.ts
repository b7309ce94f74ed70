import { decodeIntervalDay, INTERVAL_FLAG_BITS } from '@gridbill/shared/interval-pack';
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
    let filled = 0;
    for (const blob of db.prepare('SELECT packed FROM interval_days').pluck().all() as Buffer[]) {
      const day = decodeIntervalDay(new Uint8Array(blob));
      for (const f of day.flags) if ((f & INTERVAL_FLAG_BITS.missing) === 0) filled += 1;
    }
    const dayRows = Number(days); // tidy:allow-number a row count, not money
    return { chargeIds, balances, stream, days: dayRows, intervalsApplied: filled };
  } finally {
    db.close();
  }
}
