/**
 * Mutable JSON states (the tariff kernel's running state) changed in place during a
 * transaction. Nothing is cloned: the last persisted JSON text is the undo copy, so a
 * rollback re-parses it and a commit keeps the text written by `flush`.
 *
 * @example
 * const m = new JsonStateMap(); m.load('k', '{"wh":1}');
 * (m.forUpdate('k', () => ({ wh: 0 })) as { wh: number }).wh = 5; m.rollback();
 * m.get('k') // → { wh: 1 }
 */
export class JsonStateMap {
  private readonly live = new Map<string, unknown>();
  private readonly persisted = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly written = new Map<string, string>();

  load(key: string, json: string): void {
    this.persisted.set(key, json);
    this.live.set(key, JSON.parse(json));
  }

  get(key: string): unknown {
    return this.live.get(key);
  }

  forUpdate(key: string, init: () => unknown): unknown {
    if (!this.live.has(key)) this.live.set(key, init());
    this.dirty.add(key);
    return this.live.get(key);
  }

  /** Serialises every changed state (inside the transaction). */
  flush(write: (key: string, json: string) => void): void {
    for (const key of this.dirty) {
      const json = JSON.stringify(this.live.get(key));
      write(key, json);
      this.written.set(key, json);
    }
  }

  commit(): void {
    for (const [k, json] of this.written) this.persisted.set(k, json);
    this.written.clear();
    this.dirty.clear();
  }

  rollback(): void {
    for (const key of this.dirty) {
      const json = this.persisted.get(key);
      if (json === undefined) this.live.delete(key);
      else this.live.set(key, JSON.parse(json));
    }
    this.written.clear();
    this.dirty.clear();
  }
}
