/** A checkpoint is due at most this many cycles apart per state (a day of 15-minute reads). */
export const CHECKPOINT_CYCLES = 96;

/** One running rating state (the tariff kernel's, changed in place) and its checkpoint. */
export interface RatingEntry {
  state: unknown;
  /** Start of the last interval rated into `state`. */
  throughMs: number;
  /** Whether the store holds a checkpoint row with `through_ms` for this key. */
  checkpointed: boolean;
  /** Cycles that changed the state since its last checkpoint. */
  sinceCheckpoint: number;
}

/** Rebuilds entries from the store (checkpoint + replay of the committed rated intervals). */
export type RestoreStates = (keys: readonly string[]) => Map<string, RatingEntry>;

/**
 * The running rating states, checkpointed every `CHECKPOINT_CYCLES` cycles (staggered by key,
 * so a cycle writes ~1/96 of them) instead of rewritten as JSON every cycle. A state without
 * a checkpoint row is written on its first cycle. Nothing is cloned: a rolled back cycle
 * drops the states it touched and `restore` rebuilds them from the committed store.
 *
 * @example
 * const m = new RatingStates(restore); m.load('k', { state: { wh: 1 }, throughMs: 0,
 *   checkpointed: true, sinceCheckpoint: 0 });
 * (m.forUpdate('k', 900_000) as { wh: number }).wh = 5; m.rollback();
 * m.get('k') // → restore(['k']).get('k').state, e.g. { wh: 1 }
 */
export class RatingStates {
  private readonly live = new Map<string, RatingEntry & { slot: number }>();
  /** Keys per checkpoint slot. */
  private readonly bySlot: string[][] = Array.from({ length: CHECKPOINT_CYCLES }, () => []);
  private readonly slotByKey = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly written: string[] = [];
  private cycle = 0;
  private slots = 0;

  constructor(private readonly restore: RestoreStates) {}

  load(key: string, entry: RatingEntry): void {
    this.live.set(key, { ...entry, slot: this.slotOf(key) });
  }

  /** The key's checkpoint slot, assigned on first sight (kept across rollbacks). */
  private slotOf(key: string): number {
    let slot = this.slotByKey.get(key);
    if (slot === undefined) {
      slot = this.slots++ % CHECKPOINT_CYCLES;
      this.slotByKey.set(key, slot);
      this.bySlot[slot]?.push(key);
    }
    return slot;
  }

  get(key: string): unknown {
    return this.live.get(key)?.state;
  }

  /**
   * The state to rate the interval starting at `startMs` into, or undefined when `key` has
   * none yet (then `start` adds it).
   */
  forUpdate(key: string, startMs: number): unknown {
    const e = this.live.get(key);
    if (!e) return undefined;
    e.throughMs = startMs;
    this.dirty.add(key);
    return e.state;
  }

  /** Adds the first state of `key` (none was live), to be changed in this transaction. */
  start(key: string, startMs: number, state: unknown): unknown {
    const e = { state, throughMs: startMs, checkpointed: false, sinceCheckpoint: 0, slot: 0 };
    e.slot = this.slotOf(key);
    this.live.set(key, e);
    this.dirty.add(key);
    return state;
  }

  /**
   * Writes the checkpoints due this cycle (inside the transaction): changed states without a
   * checkpoint, of this cycle's slot or 192 cycles behind, and the unchanged states of this
   * cycle's slot not checkpointed through their last interval (a meter that fell silent), so
   * a start need not replay from their old checkpoints.
   */
  flush(write: (key: string, json: string, throughMs: number) => void): void {
    this.cycle += 1;
    const slot = (CHECKPOINT_CYCLES - (this.cycle % CHECKPOINT_CYCLES)) % CHECKPOINT_CYCLES;
    const put = (key: string, e: RatingEntry) => {
      write(key, JSON.stringify(e.state), e.throughMs);
      this.written.push(key);
    };
    for (const key of this.dirty) {
      const e = this.live.get(key);
      if (!e) continue;
      e.sinceCheckpoint += 1;
      if (e.checkpointed && e.slot !== slot && e.sinceCheckpoint < 2 * CHECKPOINT_CYCLES) continue;
      put(key, e);
    }
    for (const key of this.bySlot[slot] ?? []) {
      const e = this.live.get(key);
      if (e && !this.dirty.has(key) && e.sinceCheckpoint > 0) put(key, e);
    }
  }

  commit(): void {
    for (const key of this.written) {
      const e = this.live.get(key);
      if (e) Object.assign(e, { checkpointed: true, sinceCheckpoint: 0 });
    }
    this.written.length = 0;
    this.dirty.clear();
  }

  rollback(): void {
    const keys = [...this.dirty];
    for (const key of keys) this.live.delete(key);
    for (const [key, entry] of this.restore(keys)) this.load(key, entry);
    this.written.length = 0;
    this.dirty.clear();
  }
}
