/**
 * An in-memory map whose changes can be undone when the database transaction they belong to
 * rolls back. `dirty()` lists the keys changed since the last `commit()`.
 *
 * @example
 * const m = new TxMap<string, bigint>(); m.set('a', 5n); m.commit();
 * m.set('a', 7n); m.rollback(); m.get('a') // → 5n
 */
export class TxMap<K, V> {
  private readonly values = new Map<K, V>();
  private readonly undo = new Map<K, V | undefined>();

  get(key: K): V | undefined {
    return this.values.get(key);
  }

  set(key: K, value: V): void {
    if (!this.undo.has(key)) this.undo.set(key, this.values.get(key));
    this.values.set(key, value);
  }

  /**
   * The value to change in place: on the first touch in a transaction it is replaced by
   * `copy(current)`, so a rollback restores the untouched original.
   */
  forUpdate(key: K, copy: (v: V | undefined) => V): V {
    if (!this.undo.has(key)) this.set(key, copy(this.values.get(key)));
    return this.values.get(key) as V;
  }

  /** Sets without recording a change (initial load from the store). */
  load(key: K, value: V): void {
    this.values.set(key, value);
  }

  /** The keys changed since the last `commit()` (no copy). */
  dirtyKeys(): IterableIterator<K> {
    return this.undo.keys();
  }

  dirty(): [K, V][] {
    return [...this.undo.keys()].map((k) => [k, this.values.get(k) as V]);
  }

  commit(): void {
    this.undo.clear();
  }

  rollback(): void {
    for (const [k, v] of this.undo) {
      if (v === undefined) this.values.delete(k);
      else this.values.set(k, v);
    }
    this.undo.clear();
  }

  entries(): IterableIterator<[K, V]> {
    return this.values.entries();
  }
}
