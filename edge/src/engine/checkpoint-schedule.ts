interface Track {
  slot: number;
  checkpointed: boolean;
}

/**
 * When a keyed state (a meter's VEE state and marks, an account's balance) gets its
 * checkpoint row: on its first changing transaction, then once every `cycles` transactions
 * (staggered by key: ~1/`cycles` of the keys per transaction), changed or not, so a start
 * never replays more than `cycles` cycle records for any key.
 *
 * @example
 * const s = new CheckpointSchedule(96);
 * s.due(['m1']) // → ['m1'] (first change: checkpointed); s.commit();
 * s.due(['m1']) // → [] (next due 96 transactions later)
 */
export class CheckpointSchedule {
  private readonly track = new Map<string, Track>();
  /** Tracked keys per checkpoint slot. */
  private readonly bySlot: string[][];
  private readonly written: string[] = [];
  private cycle = 0;
  private slots = 0;

  constructor(private readonly cycles: number) {
    this.bySlot = Array.from({ length: cycles }, () => []);
  }

  /** A key restored from its checkpoint row. */
  loaded(key: string): void {
    this.trackOf(key).checkpointed = true;
  }

  /**
   * The keys whose checkpoint is due in this transaction: those of `changed` without one yet,
   * and every key of this transaction's slot.
   */
  due(changed: Iterable<string>): string[] {
    this.cycle += 1;
    const out = new Set<string>();
    for (const key of changed) if (!this.trackOf(key).checkpointed) out.add(key);
    const n = this.cycles;
    for (const key of this.bySlot[(n - (this.cycle % n)) % n] ?? []) out.add(key);
    for (const key of out) this.written.push(key);
    return [...out];
  }

  /** The outermost transaction committed: the checkpoints written are durable. */
  commit(): void {
    for (const key of this.written) this.trackOf(key).checkpointed = true;
    this.written.length = 0;
  }

  rollback(): void {
    this.written.length = 0;
  }

  private trackOf(key: string): Track {
    let t = this.track.get(key);
    if (!t) {
      t = { slot: this.slots++ % this.cycles, checkpointed: false };
      this.track.set(key, t);
      this.bySlot[t.slot]?.push(key);
    }
    return t;
  }
}
