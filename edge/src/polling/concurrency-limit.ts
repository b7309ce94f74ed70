/**
 * At most `max` tasks at a time (TCP meters: sessions in flight); others wait in order.
 *
 * @example
 * const limit = new ConcurrencyLimit(2);
 * await Promise.all([1, 2, 3].map((n) => limit.run(async () => n))) // → [1, 2, 3]
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // a released slot is handed straight to the next waiter, so `active` never exceeds max
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  inFlight(): number {
    return this.active;
  }
}
