import type { Database, Statement } from 'better-sqlite3';
import { IdTable } from '@gridbill/shared/sync';

/**
 * The JSON body of one `cycle_records` row, columnar: string tables (`m` meters, `a` accounts,
 * `tv` tariff versions, `g` registers, `s` serials, `f` interval flags) and one array per
 * column, indexes into the tables where a column holds a string; times are ms after `t0`
 * (the record's first time), so they stay short.
 * - `r` reads: meter, register, capture, value Wh, serial, quality (1 snapshot, 0 profile)
 * - `i` intervals: meter, start, length ms (`d`), energy Wh, flags, account (-1 unrated),
 *   tariff version (-1 unrated), amount (minor units, decimal string; '0' unrated)
 * - `v` VEE states after the cycle: meter, last capture, last value Wh, serial, rate (mWh/h)
 *
 * The balances the transaction moved are the row's own `balances` column (store migration 8),
 * `{ "a": [account ids], "am": [balance after, minor units, decimal strings] }`, so a balance
 * replay reads them without parsing the body; NULL when it moved none.
 */
export interface CycleRecordBody {
  t0: number;
  m: string[];
  a: string[];
  tv: string[];
  g: string[];
  s: string[];
  f: string[];
  r: { m: number[]; g: number[]; t: number[]; wh: number[]; s: number[]; q: number[] };
  i: {
    m: number[];
    t: number[];
    d: number[];
    wh: number[];
    f: number[];
    a: number[];
    tv: number[];
    am: string[];
  };
  v: { m: number[]; t: number[]; wh: number[]; s: number[]; rate: number[] };
}

/** The `balances` column of a cycle record: accounts and their balances after it. */
export interface RecordBalances {
  a: string[];
  am: string[];
}

export interface RecordRead {
  meterId: string;
  register: string;
  captureMs: number;
  valueWh: number;
  serial: string;
  snapshot: boolean;
}

export interface RecordInterval {
  meterId: string;
  startMs: number;
  endMs: number;
  energyWh: number;
  flags: string;
  /** Null when the interval was not rated. */
  charge: { accountId: string; tariffVersionId: string; amountMinor: bigint } | null;
}

export interface RecordVee {
  lastCaptureMs: number;
  lastValueWh: number;
  serial: string;
  rateMilliWhPerHour: number;
}

/**
 * Reads or intervals per record: a cycle that holds more (a load-profile catch-up) is written
 * as several records, so no record is large (the views find a row by its array index, which
 * costs time in proportion to the index, and replays parse whole records).
 */
export const MAX_RECORD_ROWS = 5_000;

/**
 * Collects one transaction's reads, intervals, VEE states and balances and writes them as ONE
 * `cycle_records` row (`write`, inside the transaction; more rows, written as they fill, when
 * the transaction holds more than `MAX_RECORD_ROWS` reads or intervals). The seq is the
 * store's last + 1. `max_start_ms` / `last_capture_ms` let replays skip old records unparsed.
 *
 * @example
 * const rec = new CycleRecordWriter(db); // the store's last record: 6
 * rec.addRead({ meterId: 'm1', register: 'importWh', captureMs: 900_000, valueWh: 1_250,
 *   serial: 'S1', snapshot: true });
 * rec.write() // → 7: row (7, -1, 900000, '{"t0":900000,"m":["m1"],…,"wh":[1250],…}')
 */
export class CycleRecordWriter {
  private tables = newTables();
  private body = newBody(this.tables);
  private balances: RecordBalances = { a: [], am: [] };
  private maxStartMs = -1;
  private lastCaptureMs = -1;
  private readonly insert: Statement;
  private readonly lastSeq: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      'INSERT INTO cycle_records (seq, max_start_ms, last_capture_ms, body, balances) ' +
        'VALUES (?, ?, ?, ?, ?)',
    );
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM cycle_records').pluck();
  }

  /** The seq of the store's last record (a rolled back one is reused). */
  storedSeq(): number {
    return this.lastSeq.get() as number;
  }

  get empty(): boolean {
    const b = this.body;
    return (
      b.r.m.length === 0 && b.i.m.length === 0 && b.v.m.length === 0 && this.balances.a.length === 0
    );
  }

  addRead(read: RecordRead): void {
    if (this.body.r.m.length >= MAX_RECORD_ROWS) this.write();
    const r = this.body.r;
    const t = this.tables;
    r.m.push(t.m.of(read.meterId));
    r.g.push(t.g.of(read.register));
    r.t.push(this.since(read.captureMs));
    r.wh.push(read.valueWh);
    r.s.push(t.s.of(read.serial));
    r.q.push(read.snapshot ? 1 : 0);
    if (read.captureMs > this.lastCaptureMs) this.lastCaptureMs = read.captureMs;
  }

  addInterval(iv: RecordInterval): void {
    if (this.body.i.m.length >= MAX_RECORD_ROWS) this.write();
    const i = this.body.i;
    const t = this.tables;
    const c = iv.charge;
    i.m.push(t.m.of(iv.meterId));
    i.t.push(this.since(iv.startMs));
    i.d.push(iv.endMs - iv.startMs);
    i.wh.push(iv.energyWh);
    i.f.push(t.f.of(iv.flags));
    i.a.push(c ? t.a.of(c.accountId) : -1);
    i.tv.push(c ? t.tv.of(c.tariffVersionId) : -1);
    i.am.push(c ? c.amountMinor.toString() : '0');
    if (iv.startMs > this.maxStartMs) this.maxStartMs = iv.startMs;
  }

  addVee(meterId: string, vee: RecordVee): void {
    const v = this.body.v;
    v.m.push(this.tables.m.of(meterId));
    v.t.push(this.since(vee.lastCaptureMs));
    v.wh.push(vee.lastValueWh);
    v.s.push(this.tables.s.of(vee.serial));
    v.rate.push(vee.rateMilliWhPerHour);
  }

  /** An account's balance after this transaction (it moved in it). */
  addBalance(accountId: string, balanceMinor: bigint): void {
    this.balances.a.push(accountId);
    this.balances.am.push(balanceMinor.toString());
  }

  /** `ms` after the record's `t0` (the first time it holds). */
  private since(ms: number): number {
    if (this.body.t0 === NO_TIME) this.body.t0 = ms;
    return ms - this.body.t0;
  }

  /** Writes the record as the store's next row unless it is empty; returns the seq or null. */
  write(): number | null {
    if (this.empty) return null;
    const seq = this.storedSeq() + 1;
    const balances = this.balances.a.length === 0 ? null : JSON.stringify(this.balances);
    this.insert.run(seq, this.maxStartMs, this.lastCaptureMs, JSON.stringify(this.body), balances);
    this.discard();
    return seq;
  }

  /** Forgets what was collected (after a rollback, or after `write`). */
  discard(): void {
    this.tables = newTables();
    this.body = newBody(this.tables);
    this.balances = { a: [], am: [] };
    this.maxStartMs = -1;
    this.lastCaptureMs = -1;
  }
}

/** `t0` before the record holds a time. */
const NO_TIME = -1;

function newTables() {
  return {
    m: new IdTable(),
    a: new IdTable(),
    tv: new IdTable(),
    g: new IdTable(),
    s: new IdTable(),
    f: new IdTable(),
  };
}

function newBody(t: ReturnType<typeof newTables>): CycleRecordBody {
  return {
    t0: NO_TIME,
    m: t.m.ids,
    a: t.a.ids,
    tv: t.tv.ids,
    g: t.g.ids,
    s: t.s.ids,
    f: t.f.ids,
    r: { m: [], g: [], t: [], wh: [], s: [], q: [] },
    i: { m: [], t: [], d: [], wh: [], f: [], a: [], tv: [], am: [] },
    v: { m: [], t: [], wh: [], s: [], rate: [] },
  };
}

/**
 * The cycle records after `afterSeq`, in seq order, parsed; with `startsAfterMs`, only those
 * holding an interval that starts after it (the others are skipped unparsed).
 *
 * @example
 * for (const { seq, body } of cycleRecordsAfter(db, 0)) body.i.m.length // → intervals of seq
 */
export function* cycleRecordsAfter(
  db: Database,
  afterSeq: number,
  startsAfterMs?: number,
): Generator<{ seq: number; body: CycleRecordBody }> {
  const rows =
    startsAfterMs === undefined
      ? db
          .prepare('SELECT seq, body FROM cycle_records WHERE seq > ? ORDER BY seq')
          .iterate(afterSeq)
      : db
          .prepare(
            'SELECT seq, body FROM cycle_records WHERE seq > ? AND max_start_ms > ? ORDER BY seq',
          )
          .iterate(afterSeq, startsAfterMs);
  for (const row of rows as Iterable<{ seq: number; body: string }>)
    yield { seq: row.seq, body: JSON.parse(row.body) as CycleRecordBody };
}
