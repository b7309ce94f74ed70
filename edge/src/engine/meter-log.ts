import { TxMap } from './tx-map.js';

/** Per meter: the last capture stored per register and the start of the last interval. */
export interface MeterMarks {
  reads: Record<string, number>;
  ivMs: number | null;
}

/** A meter's checkpoint is due at most this many changing cycles apart (staggered by meter). */
export const METER_CHECKPOINT_CYCLES = 96;

interface Track {
  slot: number;
  since: number;
  checkpointed: boolean;
}

/**
 * The in-memory marks that decide duplicates without a query (a read at or before the last
 * capture stored for its register is a duplicate; an interval at or before the last stored
 * start is never stored or rated again), and the schedule of `meter_state` checkpoints:
 * a changed meter is checkpointed on its first cycle, then every `METER_CHECKPOINT_CYCLES`
 * cycles (staggered), at the latest after twice that many changing cycles.
 *
 * @example
 * const log = new MeterLog(); log.forUpdate('m1').reads.importWh = 900_000;
 * log.isNewRead('m1', 'importWh', 900_000) // → false (a duplicate)
 * log.due(['m1']) // → ['m1'] (first cycle: checkpointed)
 */
export class MeterLog {
  readonly marks = new TxMap<string, MeterMarks>();
  private readonly track = new Map<string, Track>();
  private readonly written: string[] = [];
  private cycle = 0;
  private slots = 0;

  /** A meter restored from its checkpoint (and the cycle records after it). */
  load(meterId: string, marks: MeterMarks): void {
    this.marks.load(meterId, marks);
    this.trackOf(meterId).checkpointed = true;
  }

  isNewRead(meterId: string, register: string, captureMs: number): boolean {
    const last = this.marks.get(meterId)?.reads[register];
    return last === undefined || captureMs > last;
  }

  isNewInterval(meterId: string, startMs: number): boolean {
    const last = this.marks.get(meterId)?.ivMs ?? null;
    return last === null || startMs > last;
  }

  /** The meter's marks to change in this transaction (a copy; rollback restores the old). */
  forUpdate(meterId: string): MeterMarks {
    return this.marks.forUpdate(meterId, copyMarks);
  }

  /** The meters among `changed` whose checkpoint is due in this transaction. */
  due(changed: Iterable<string>): string[] {
    this.cycle += 1;
    const out: string[] = [];
    for (const id of changed) {
      const t = this.trackOf(id);
      t.since += 1;
      const slotDue = (this.cycle + t.slot) % METER_CHECKPOINT_CYCLES === 0;
      if (t.checkpointed && !slotDue && t.since < 2 * METER_CHECKPOINT_CYCLES) continue;
      out.push(id);
      this.written.push(id);
    }
    return out;
  }

  /** The outermost transaction committed: the checkpoints written are durable. */
  commit(): void {
    for (const id of this.written)
      Object.assign(this.trackOf(id), { checkpointed: true, since: 0 });
    this.written.length = 0;
    this.marks.commit();
  }

  rollback(): void {
    this.written.length = 0;
    this.marks.rollback();
  }

  private trackOf(meterId: string): Track {
    let t = this.track.get(meterId);
    if (!t) {
      t = { slot: this.slots++ % METER_CHECKPOINT_CYCLES, since: 0, checkpointed: false };
      this.track.set(meterId, t);
    }
    return t;
  }
}

function copyMarks(m: MeterMarks | undefined): MeterMarks {
  return m ? { reads: { ...m.reads }, ivMs: m.ivMs } : { reads: {}, ivMs: null };
}
