import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TxMap } from './tx-map.js';

type Op =
  | { op: 'set'; key: string; value: number }
  | { op: 'update'; key: string; value: number }
  | { op: 'load'; key: string; value: number }
  | { op: 'commit' }
  | { op: 'rollback' };

const key = fc.constantFrom('a', 'b', 'c');
const value = fc.integer({ min: 0, max: 9 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value }),
  fc.record({ op: fc.constant('update' as const), key, value }),
  fc.record({ op: fc.constant('load' as const), key, value }),
  fc.constant({ op: 'commit' as const }),
  fc.constant({ op: 'rollback' as const }),
);

/**
 * The model: the committed map plus the open transaction's changes; `load` writes through
 * to both (it is not a change). Rollback drops the changes, commit applies them.
 */
class Model {
  committed = new Map<string, { n: number }>();
  open = new Map<string, { n: number }>();
  get(k: string) {
    return this.open.get(k) ?? this.committed.get(k);
  }
}

describe('TxMap', () => {
  it('behaves like committed state plus an undoable transaction (model-based)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const m = new TxMap<string, { n: number }>();
        const model = new Model();
        for (const o of ops) {
          if (o.op === 'set') {
            m.set(o.key, { n: o.value });
            model.open.set(o.key, { n: o.value });
          } else if (o.op === 'update') {
            m.forUpdate(o.key, (v) => ({ n: v?.n ?? 0 })).n = o.value;
            model.open.set(o.key, { n: o.value });
          } else if (o.op === 'load') {
            m.load(o.key, { n: o.value });
            if (model.open.has(o.key)) model.open.set(o.key, { n: o.value });
            else model.committed.set(o.key, { n: o.value });
          } else if (o.op === 'commit') {
            for (const [k, v] of model.open) model.committed.set(k, v);
            model.open.clear();
            m.commit();
          } else {
            model.open.clear();
            m.rollback();
          }
          expect([...m.dirtyKeys()].sort()).toEqual([...model.open.keys()].sort());
          for (const k of ['a', 'b', 'c']) expect(m.get(k)).toEqual(model.get(k));
        }
        const all = new Map([...model.committed, ...model.open]);
        expect(new Map(m.entries())).toEqual(all);
      }),
      { numRuns: 2_000 },
    );
  });

  it('forUpdate copies once per transaction, so a rollback restores the original', () => {
    const m = new TxMap<string, { n: number }>();
    m.load('a', { n: 1 });
    const copy = (v: { n: number } | undefined) => ({ n: v?.n ?? 0 });
    m.forUpdate('a', copy).n = 2;
    m.forUpdate('a', copy).n += 1;
    expect(m.get('a')).toEqual({ n: 3 });
    m.rollback();
    expect(m.get('a')).toEqual({ n: 1 });
  });
});
