/**
 * A string table: the index of each id, added when new, so columns hold small numbers (the
 * interval block's id tables, the gateway's cycle record string tables). The last id asked
 * for is remembered: a catch-up cycle brings a meter's rows one after another.
 *
 * @example
 * const t = new IdTable(); t.of('m1') // → 0; t.of('m2') // → 1; t.of('m1') // → 0
 * t.ids // → ['m1', 'm2']
 */
export class IdTable {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private last = '';
  private lastIndex = -1;

  of(id: string): number {
    if (id === this.last && this.lastIndex >= 0) return this.lastIndex;
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    this.last = id;
    this.lastIndex = i;
    return i;
  }
}
