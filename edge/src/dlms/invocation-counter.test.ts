import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvocationCounterAllocator,
  type InvocationCounterStore,
  memoryCounterStore,
} from './invocation-counter.js';

/** A store whose `save` is durable when it resolves; a crash may hit before it resolves. */
function crashableStore() {
  let durable: number | undefined;
  let failNextSave = false;
  const store: InvocationCounterStore = {
    load: async () => durable,
    save: async (v) => {
      if (failNextSave) {
        failNextSave = false;
        throw new Error('power cut during fsync');
      }
      durable = v;
    },
  };
  return {
    store,
    crashDuringNextSave: () => {
      failNextSave = true;
    },
    snapshot: () => durable,
    restore: (v: number | undefined) => {
      durable = v;
    },
  };
}

describe('invocation counter reserve-ahead', () => {
  it('persists the reservation before handing out the first counter of a block', async () => {
    const store = memoryCounterStore(5000);
    const ic = await InvocationCounterAllocator.open(store, { blockSize: 1000 });
    expect(store.saved).toEqual([]);
    expect(await ic.next()).toBe(5000);
    expect(store.saved).toEqual([6000]);
    for (let i = 1; i < 1000; i++) await ic.next();
    expect(store.saved).toEqual([6000]);
    expect(await ic.next()).toBe(6000);
    expect(store.saved).toEqual([6000, 7000]);
  });

  it('never reuses a counter across random crashes (including during a save)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.nat({ max: 30 }), fc.constant(-1), fc.constant(-2)), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 20 }),
        async (ops, blockSize) => {
          const s = crashableStore();
          let ic = await InvocationCounterAllocator.open(s.store, { blockSize });
          const issued: number[] = [];
          for (const op of ops) {
            if (op === -1) {
              ic = await InvocationCounterAllocator.open(s.store, { blockSize });
              continue;
            }
            if (op === -2) s.crashDuringNextSave();
            for (let i = 0; i < Math.max(op, 1); i++) {
              try {
                issued.push(await ic.next());
              } catch {
                ic = await InvocationCounterAllocator.open(s.store, { blockSize });
                break;
              }
            }
          }
          expect(new Set(issued).size).toBe(issued.length);
          expect(issued).toEqual([...issued].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300, seed: 21 },
    );
  });

  it('after restoring an old snapshot, the floor read from the meter prevents reuse', async () => {
    const s = crashableStore();
    let ic = await InvocationCounterAllocator.open(s.store, { blockSize: 10 });
    await ic.next();
    const old = s.snapshot();
    const used: number[] = [];
    for (let i = 0; i < 25; i++) used.push(await ic.next());
    s.restore(old);
    const withoutFloor = await InvocationCounterAllocator.open(s.store, { blockSize: 10 });
    expect(used).toContain(await withoutFloor.next());
    s.restore(old);
    const meterLowestAcceptable = Math.max(...used) + 1;
    ic = await InvocationCounterAllocator.open(s.store, {
      blockSize: 10,
      floor: meterLowestAcceptable,
    });
    expect(await ic.next()).toBe(meterLowestAcceptable);
  });

  it('raiseTo (meter said "expected ≥ n") skips ahead and never goes back', async () => {
    const ic = await InvocationCounterAllocator.open(memoryCounterStore(), { blockSize: 5 });
    expect(await ic.next()).toBe(0);
    ic.raiseTo(100);
    expect(await ic.next()).toBe(100);
    ic.raiseTo(3);
    expect(await ic.next()).toBe(101);
  });
});
