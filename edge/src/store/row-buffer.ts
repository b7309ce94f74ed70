import type { Database, Statement } from 'better-sqlite3';

/** Rows per multi-row INSERT statement. */
const CHUNK_ROWS = 64;

type Value = string | number | null;

/**
 * Collects rows for one table inside a transaction and writes them with multi-row INSERTs
 * (or upserts)
 * — 64 rows per statement, one native call each — when `flush` runs in the same transaction.
 *
 * @example
 * const rows = new RowBuffer(db, 'INSERT INTO t (a, b) VALUES', 2);
 * rows.push(1, 'x'); rows.push(2, 'y');
 * rows.flush() // → 2 (rows written), one statement
 */
export class RowBuffer {
  private pending: Value[] = [];
  private readonly one: Statement;
  private readonly many: Statement;

  constructor(
    db: Database,
    insertPrefix: string,
    private readonly columns: number,
    /** e.g. 'ON CONFLICT (k) DO UPDATE SET v = excluded.v' (an upsert buffer). */
    suffix = '',
  ) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    const rows = Array.from({ length: CHUNK_ROWS }, () => row).join(', ');
    this.one = db.prepare(`${insertPrefix} ${row} ${suffix}`);
    this.many = db.prepare(`${insertPrefix} ${rows} ${suffix}`);
  }

  push(...row: Value[]): void {
    if (row.length !== this.columns) {
      throw new Error(`RowBuffer: expected ${this.columns} values, got ${row.length}`);
    }
    for (const v of row) this.pending.push(v);
  }

  get size(): number {
    return this.pending.length / this.columns;
  }

  /** Writes the buffered rows; returns how many. */
  flush(): number {
    const p = this.pending;
    const n = this.columns;
    const chunk = CHUNK_ROWS * n;
    let i = 0;
    for (; i + chunk <= p.length; i += chunk) this.many.run(p.slice(i, i + chunk));
    for (; i < p.length; i += n) this.one.run(p.slice(i, i + n));
    this.pending = [];
    return p.length / n;
  }

  /** Forgets buffered rows (after a rollback). */
  discard(): void {
    this.pending = [];
  }
}
