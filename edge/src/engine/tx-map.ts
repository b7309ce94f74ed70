/** A key's value, and what it was before the open transaction first changed it. */
interface Slot<V> {
  value: V | undefined;
  saved: V | undefined;
  /** The transaction (`epoch`) that last changed it; `saved` belongs to that one. */
  epoch: number;
}

/**
 * An in-memory map whose changes can be undone when the database transaction they belong to
 * rolls back. `dirty()` lists the keys changed since the last `commit()`. One hash lookup per
 * operation: each key's slot holds its value and the value to restore.
 *
 * @example
 * const m = new TxMap<string, bigint>(); m.set('a', 5n); m.commit();
 * m.set('a', 7n); m.rollback(); m.get('a') // → 5n
 */
export class TxMap<K, V> {
  private readonly slots = new Map<K, Slot<V>>();
  /** Keys changed in the open transaction, in the order of their first change. */
  private readonly touched: K[] = [];
  private epoch = 1;

  get(key: K): V | undefined {
    return this.slots.get(key)?.value;
  }

  set(key: K, value: V): void {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { value: undefined, saved: undefined, epoch: 0 };
      this.slots.set(key, slot);
    }
    if (slot.epoch !== this.epoch) {
      slot.saved = slot.value;
      slot.epoch = this.epoch;
      this.touched.push(key);
    }
    slot.value = value;
  }

  /**
   * The value to change in place: on the first touch in a transaction it is replaced by
   * `copy(current)`, so a rollback restores the untouched original.
   */
  forUpdate(key: K, copy: (v: V | undefined) => V): V {
    const slot = this.slots.get(key);
    if (slot && slot.epoch === this.epoch) return slot.value as V;
    const value = copy(slot?.value);
    this.set(key, value);
    return value;
  }

  /** Sets without recording a change (initial load from the store). */
  load(key: K, value: V): void {
    const slot = this.slots.get(key);
    if (slot) slot.value = value;
    else this.slots.set(key, { value, saved: undefined, epoch: 0 });
  }

  /** The keys changed since the last `commit()` (no copy). */
  dirtyKeys(): readonly K[] {
    return this.touched;
  }

  dirty(): [K, V][] {
    return this.touched.map((k) => [k, this.slots.get(k)?.value as V]);
  }

  commit(): void {
    this.touched.length = 0;
    this.epoch += 1;
  }

  rollback(): void {
    for (const key of this.touched) {
      const slot = this.slots.get(key);
      if (!slot) continue;
      if (slot.saved === undefined) this.slots.delete(key);
      else slot.value = slot.saved;
    }
    this.touched.length = 0;
    this.epoch += 1;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.slots) if (slot.value !== undefined) yield [key, slot.value];
  }
}
