/**
 * Client invocation counter with reserve-ahead persistence: before handing out counter n the
 * allocator has durably stored a reservation > n, so after a crash (or a restore of that
 * store) it restarts at the reservation and never reuses a counter with the same key.
 *
 * Example: stored reservation 5000, block 1000 → `open` saves 6000 first, then hands out
 * 5000, 5001, ...; after a crash it restarts at 6000.
 */
export interface InvocationCounterStore {
  /** The persisted reservation (first counter not yet promised), or undefined when new. */
  load(): Promise<number | undefined>;
  /** Durably stores a new reservation; must not resolve before the write is durable. */
  save(reservedUpTo: number): Promise<void>;
}

export const MAX_INVOCATION_COUNTER = 0xffffffff;

export class InvocationCounterAllocator {
  private nextValue: number;
  private reservedUpTo: number;

  private constructor(
    private readonly store: InvocationCounterStore,
    private readonly blockSize: number,
    start: number,
  ) {
    this.nextValue = start;
    this.reservedUpTo = start;
  }

  /** Opens from the store; `floor` is a value read from the meter (IC object) if known. */
  static async open(
    store: InvocationCounterStore,
    options: { blockSize?: number; floor?: number } = {},
  ): Promise<InvocationCounterAllocator> {
    const stored = (await store.load()) ?? 0;
    const start = Math.max(stored, options.floor ?? 0);
    return new InvocationCounterAllocator(store, options.blockSize ?? 1000, start);
  }

  /** The next counter; persists a new reservation first when the block is used up. */
  async next(): Promise<number> {
    if (this.nextValue >= MAX_INVOCATION_COUNTER) {
      throw new RangeError('invocation counter exhausted: the key must be changed');
    }
    if (this.nextValue >= this.reservedUpTo) {
      const reserve = Math.min(this.nextValue + this.blockSize, MAX_INVOCATION_COUNTER);
      await this.store.save(reserve);
      this.reservedUpTo = reserve;
    }
    return this.nextValue++;
  }

  /** After the meter says "expected ≥ ic" (EXCEPTION-Response 6): skip ahead, never back. */
  raiseTo(ic: number): void {
    this.nextValue = Math.max(this.nextValue, ic);
  }
}

/** A store kept in memory (tests, one-shot probes without a state file). */
export function memoryCounterStore(initial?: number): InvocationCounterStore & { saved: number[] } {
  const saved: number[] = [];
  return {
    saved,
    load: async () => saved.at(-1) ?? initial,
    save: async (v) => {
      saved.push(v);
    },
  };
}
