import type { Database, Statement } from 'better-sqlite3';

/** Rows per multi-row INSERT when a batch is written. */
const CHUNK_ROWS = 64;

/** Upstream event kinds (the names of `@gridbill/shared/sync` upstreamBodySchemas). */
export type OutboxKind =
  | 'reading'
  | 'interval'
  | 'charge'
  | 'balance-change'
  | 'relay-event'
  | 'alarm'
  | 'token-redemption'
  | 'interval-block';

export interface OutboxEvent {
  kind: OutboxKind;
  /** Deterministic id of the domain fact (a UUID). */
  eventId: string;
  /** The event body as in `upstreamBodySchemas[kind]` (money as decimal strings, no bigint). */
  body: unknown;
}

export interface OutboxRow {
  seq: number;
  kind: OutboxKind;
  eventId: string;
  body: string;
  occurredAtMs: number;
  clockTrusted: boolean;
}

/**
 * Transactional outbox: `append` must run inside the caller's transaction, so the event and
 * the domain change commit together; `seq` comes from a counter row and is gapless.
 *
 * @example
 * db.transaction(() => outbox.append({ kind: 'alarm', eventId, body }, time))()
 * // → 1 on a fresh store, then 2, 3, ... (a rolled-back transaction leaves no gap)
 */
export class Outbox {
  private readonly readSeq: Statement;
  private readonly writeSeq: Statement;
  private readonly insert: Statement;
  private batchSeq: number | null = null;
  /** Rows appended in batch mode, flat parameters, written by `endBatch`. */
  private pending: (string | number)[] = [];
  private readonly insertMany: Statement;
  private readonly readAfter: Statement;

  constructor(private readonly db: Database) {
    const values = Array.from({ length: CHUNK_ROWS }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
    const columns = '(seq, kind, event_id, body, occurred_at_ms, clock_trusted)';
    this.insertMany = db.prepare(`INSERT INTO outbox ${columns} VALUES ${values}`);
    this.readAfter = db.prepare(
      'SELECT seq, kind, event_id, body, occurred_at_ms, clock_trusted FROM outbox ' +
        'WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.readSeq = db.prepare("SELECT value FROM meta WHERE key = 'outbox_seq'").pluck();
    this.writeSeq = db.prepare("UPDATE meta SET value = ? WHERE key = 'outbox_seq'");
    this.insert = db.prepare(
      'INSERT INTO outbox (seq, kind, event_id, body, occurred_at_ms, clock_trusted) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  append(event: OutboxEvent, time: { wallMs: number; trusted: boolean }): number {
    if (!this.db.inTransaction) throw new Error('outbox.append must run inside a transaction');
    const seq = this.lastSeq() + 1;
    const row = [
      seq,
      event.kind,
      event.eventId,
      JSON.stringify(event.body),
      time.wallMs,
      time.trusted ? 1 : 0,
    ];
    if (this.batchSeq === null) {
      this.insert.run(...row);
      this.writeSeq.run(String(seq));
    } else {
      this.pending.push(...row);
      this.batchSeq = seq;
    }
    return seq;
  }

  /**
   * Batch mode (one engine transaction): the counter row is written once, by `endBatch`,
   * inside the same transaction; `abortBatch` after a rollback forgets the cached counter.
   */
  beginBatch(): void {
    this.batchSeq = this.lastSeq();
  }

  endBatch(): void {
    const p = this.pending;
    const chunk = CHUNK_ROWS * 6;
    let i = 0;
    for (; i + chunk <= p.length; i += chunk) this.insertMany.run(...p.slice(i, i + chunk));
    for (; i < p.length; i += 6) this.insert.run(...p.slice(i, i + 6));
    this.pending = [];
    if (this.batchSeq !== null) this.writeSeq.run(String(this.batchSeq));
    this.batchSeq = null;
  }

  abortBatch(): void {
    this.pending = [];
    this.batchSeq = null;
  }

  lastSeq(): number {
    return this.batchSeq ?? Number.parseInt(this.readSeq.get() as string, 10);
  }

  read(afterSeq: number, limit: number): OutboxRow[] {
    return this.readCapped(afterSeq, limit, Number.POSITIVE_INFINITY);
  }

  /**
   * Rows after `afterSeq` in seq order, at most `limit`, stopping before the row whose body
   * would take the bodies past `maxBodyChars` (the first row always comes). Rows past the cap
   * are never read from disk.
   * Example: bodies of 3, 3 and 3 MB after seq 0, cap 4 MB → [row 1].
   */
  readCapped(afterSeq: number, limit: number, maxBodyChars: number): OutboxRow[] {
    const out: OutboxRow[] = [];
    let chars = 0;
    for (const r of this.readAfter.iterate(afterSeq, limit) as Iterable<Record<string, unknown>>) {
      const body = r.body as string;
      chars += body.length;
      if (chars > maxBodyChars && out.length > 0) break;
      out.push({
        seq: r.seq as number,
        kind: r.kind as OutboxKind,
        eventId: r.event_id as string,
        body,
        occurredAtMs: r.occurred_at_ms as number,
        clockTrusted: r.clock_trusted === 1,
      });
    }
    return out;
  }

  /** Highest seq central has acknowledged (set by the sync issue's drainer). */
  ackedSeq(): number {
    const v = this.db
      .prepare("SELECT value FROM meta WHERE key = 'outbox_acked_seq'")
      .pluck()
      .get();
    return typeof v === 'string' ? Number.parseInt(v, 10) : 0;
  }

  /** Records central's acknowledgement watermark; never moves backwards. */
  ack(seq: number): void {
    if (seq > this.lastSeq()) throw new Error(`ack ${seq} is beyond the last outbox seq`);
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('outbox_acked_seq', ?) ON CONFLICT (key) " +
          'DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))',
      )
      .run(String(seq));
  }
}
