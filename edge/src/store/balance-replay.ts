import type { Database } from 'better-sqlite3';
import type { RecordBalances } from './cycle-record.js';

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
 * the cycle records after the checkpoint's `through_seq` (the newest one wins). Only the
 * records' `balances` column is read, not their bodies.
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
  // newest first: an account's first entry found is its balance (older ones are skipped)
  const records = db.prepare(
    'SELECT seq, balances FROM cycle_records WHERE seq > ? AND balances IS NOT NULL ' +
      'ORDER BY seq DESC',
  );
  const found = new Set<string>();
  for (const rec of records.iterate(fromSeq) as Iterable<{ seq: number; balances: string }>) {
    const b = JSON.parse(rec.balances) as RecordBalances;
    for (let k = 0; k < b.a.length; k++) {
      const id = b.a[k]!;
      if (found.has(id)) continue;
      const known = out.get(id);
      if (known && rec.seq <= known.throughSeq) continue;
      found.add(id);
      out.set(id, { balanceMinor: BigInt(b.am[k]!), throughSeq: known?.throughSeq ?? 0 });
    }
  }
  return out;
}
