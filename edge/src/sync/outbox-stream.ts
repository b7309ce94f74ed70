import type { Database, Statement } from 'better-sqlite3';
import type { Outbox, OutboxRow } from '../store/outbox.js';

/**
 * The sync side of the outbox: which incarnation the rows belong to, pruning exactly the acked
 * rows of a sent batch, and renumbering from 1 under a new incarnation. Each change is one
 * SQLite transaction (WAL, synchronous=FULL), so a crash leaves either the old or the new state.
 */
export class OutboxStream {
  private readonly getMeta: Statement;
  private readonly setMeta: Statement;
  private readonly prune: Statement;
  private readonly count: Statement;

  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setMeta = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.prune = db.prepare('DELETE FROM outbox WHERE seq BETWEEN ? AND ?');
    this.count = db.prepare('SELECT count(*) FROM outbox').pluck();
  }

  incarnation(): string {
    const value = this.getMeta.get('incarnation_id');
    if (typeof value !== 'string') throw new Error('gateway store has no incarnation id');
    return value;
  }

  /** Oldest rows still unacknowledged (the next batch always starts here). */
  oldest(limit: number): OutboxRow[] {
    return this.outbox.read(0, limit);
  }

  /**
   * The next batch: rows after `afterSeq` (0 = from the oldest), at most `limit` rows and
   * `maxBodyChars` of bodies (the first row always). Example: rows 1..9 of 1 MB, after 4,
   * cap 4 MB → rows 5..8.
   */
  batchAfter(afterSeq: number, limit: number, maxBodyChars: number): OutboxRow[] {
    return this.outbox.readCapped(afterSeq, limit, maxBodyChars);
  }

  headSeq(): number {
    return this.outbox.lastSeq();
  }

  pending(): number {
    return this.count.get() as number;
  }

  /** Deletes seqs `fromSeq..throughSeq` and records the ack, in one transaction. */
  pruneAcked(fromSeq: number, throughSeq: number): number {
    return this.db.transaction(() => {
      const deleted = this.prune.run(fromSeq, throughSeq).changes;
      this.outbox.ack(throughSeq);
      this.setMeta.run('sync_last_ack_seq', String(throughSeq));
      return deleted;
    })();
  }

  /**
   * Starts a new incarnation: new id, remaining rows renumbered 1..n in order, counter n,
   * acked 0 (all in one transaction). Rows move only downwards, so no key collides.
   * Example: rows seq [7, 9, 12] → [1, 2, 3], outbox_seq 3.
   */
  renumber(newIncarnation: string): void {
    this.db.transaction(() => {
      const seqs = this.db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all() as number[];
      const move = this.db.prepare('UPDATE outbox SET seq = ? WHERE seq = ?');
      seqs.forEach((seq, i) => {
        move.run(i + 1, seq);
      });
      this.setMeta.run('incarnation_id', newIncarnation);
      this.setMeta.run('outbox_seq', String(seqs.length));
      this.setMeta.run('outbox_acked_seq', '0');
    })();
  }

  /** Wall time of the last acknowledgement (for the status page), 0 = never. */
  lastAckWallMs(): number {
    const v = this.getMeta.get('sync_last_ack_wall_ms');
    return typeof v === 'string' ? Number.parseInt(v, 10) : 0;
  }

  noteAck(wallMs: number): void {
    this.setMeta.run('sync_last_ack_wall_ms', String(wallMs));
  }
}
