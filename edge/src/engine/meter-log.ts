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
  checkpointed: boolean;
}

/**
 * The in-memory marks that decide duplicates without a query (a read at or before the last
 * capture stored for its register is a duplicate; an interval at or before the last stored
 * start is never stored or rated again), and the schedule of `meter_state` checkpoints:
 * a meter is checkpointed on its first cycle, then every `METER_CHECKPOINT_CYCLES` cycles
 * (staggered by meter: ~1/96 of them per cycle), whether it changed or not, so a start never
 * replays more than that many cycle records (a meter that stopped reporting included).
 *
 * @example
 * const log = new MeterLog(); log.forUpdate('m1').reads.importWh = 900_000;
 * log.isNewRead('m1', 'importWh', 900_000) // → false (a duplicate)
 * log.due(['m1']) // → ['m1'] (first cycle: checkpointed)
 */
export class MeterLog {
  readonly marks = new TxMap<string, MeterMarks>();
  private readonly track = new Map<string, Track>();
  /** Tracked meters per checkpoint slot. */
  private readonly bySlot: string[][] = Array.from({ length: METER_CHECKPOINT_CYCLES }, () => []);
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

  /**
   * The meters whose checkpoint is due in this transaction: those of `changed` without one
   * yet, and every meter of this cycle's slot.
   */
  due(changed: Iterable<string>): string[] {
    this.cycle += 1;
    const out = new Set<string>();
    for (const id of changed) if (!this.trackOf(id).checkpointed) out.add(id);
    const n = METER_CHECKPOINT_CYCLES;
    for (const id of this.bySlot[(n - (this.cycle % n)) % n] ?? []) out.add(id);
    for (const id of out) this.written.push(id);
    return [...out];
  }

  /** The outermost transaction committed: the checkpoints written are durable. */
  commit(): void {
    for (const id of this.written) this.trackOf(id).checkpointed = true;
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
      t = { slot: this.slots++ % METER_CHECKPOINT_CYCLES, checkpointed: false };
      this.track.set(meterId, t);
      this.bySlot[t.slot]?.push(meterId);
    }
    return t;
  }
}

function copyMarks(m: MeterMarks | undefined): MeterMarks {
  return m ? { reads: { ...m.reads }, ivMs: m.ivMs } : { reads: {}, ivMs: null };
}
