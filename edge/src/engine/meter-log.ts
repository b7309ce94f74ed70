import { CheckpointSchedule } from './checkpoint-schedule.js';
import { TxMap } from './tx-map.js';

/** Per meter: the last capture stored per register and the start of the last interval. */
export interface MeterMarks {
  reads: Record<string, number>;
  ivMs: number | null;
}

/** A meter's checkpoint is due at most this many changing cycles apart (staggered by meter). */
export const METER_CHECKPOINT_CYCLES = 96;

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
  private readonly schedule = new CheckpointSchedule(METER_CHECKPOINT_CYCLES);

  /** A meter restored from its checkpoint (and the cycle records after it). */
  load(meterId: string, marks: MeterMarks): void {
    this.marks.load(meterId, marks);
    this.schedule.loaded(meterId);
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
    return this.schedule.due(changed);
  }

  /** The outermost transaction committed: the checkpoints written are durable. */
  commit(): void {
    this.schedule.commit();
    this.marks.commit();
  }

  rollback(): void {
    this.schedule.rollback();
    this.marks.rollback();
  }
}

function copyMarks(m: MeterMarks | undefined): MeterMarks {
  return m ? { reads: { ...m.reads }, ivMs: m.ivMs } : { reads: {}, ivMs: null };
}
