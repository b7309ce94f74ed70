/**
 * Append-only buffer keeping the newest `capacity` rows (oldest dropped first, like a meter's
 * circular profile buffer). Trims in chunks so appends stay O(1) amortised.
 *
 * @example const log = new BoundedLog<number>(2); log.push(1); log.push(2); log.push(3);
 * log.rows(); // [2, 3]
 */
export class BoundedLog<T> {
  private items: T[] = [];

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity + Math.ceil(this.capacity / 4)) {
      this.items.splice(0, this.items.length - this.capacity);
    }
  }

  rows(): T[] {
    return this.items.length > this.capacity
      ? this.items.slice(this.items.length - this.capacity)
      : [...this.items];
  }

  filter(keep: (item: T) => boolean): T[] {
    return this.rows().filter(keep);
  }
}
