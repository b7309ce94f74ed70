import type { Database } from 'better-sqlite3';

/** An account's balance as restored, and the cycle record its checkpoint row runs through. */
export interface RestoredBalance {
  balanceMinor: bigint;
  throughSeq: number;
}

interface CheckpointRow {
  account_id: string;
  balance_minor: string;
  through_seq: number;
}

/**
 * Every account's committed balance: its `balances` checkpoint, then the balances noted in
 * the cycle records after the checkpoint's `through_seq` (the last one wins). Only the
 * records' account table and `b` column are read (SQLite extracts them).
 *
 * @example
 * // checkpoint of A1: '500' through record 4; record 6 notes A1 at '470'
 * restoreBalances(db).get('A1') // → { balanceMinor: 470n, throughSeq: 4 }
 */
export function restoreBalances(db: Database): Map<string, RestoredBalance> {
  const out = new Map<string, RestoredBalance>();
  let fromSeq = Number.POSITIVE_INFINITY;
  const rows = db.prepare('SELECT account_id, balance_minor, through_seq FROM balances');
  for (const r of rows.iterate() as Iterable<CheckpointRow>) {
    out.set(r.account_id, { balanceMinor: BigInt(r.balance_minor), throughSeq: r.through_seq });
    fromSeq = Math.min(fromSeq, r.through_seq);
  }
  if (!Number.isFinite(fromSeq)) return out;
  const records = db.prepare(
    "SELECT seq, body -> '$.a' AS a, body -> '$.b' AS b FROM cycle_records " +
      "WHERE seq > ? AND body -> '$.b.a[0]' IS NOT NULL ORDER BY seq",
  );
  for (const rec of records.iterate(fromSeq) as Iterable<RecordBalances>) {
    const accounts = JSON.parse(rec.a) as string[];
    const b = JSON.parse(rec.b) as { a: number[]; am: string[] };
    for (let k = 0; k < b.a.length; k++) {
      const id = accounts[b.a[k]!]!;
      const known = out.get(id);
      if (known && rec.seq <= known.throughSeq) continue;
      out.set(id, { balanceMinor: BigInt(b.am[k]!), throughSeq: known?.throughSeq ?? 0 });
    }
  }
  return out;
}

interface RecordBalances {
  seq: number;
  a: string;
  b: string;
}
