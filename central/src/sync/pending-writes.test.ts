import { describe, expect, it } from 'vitest';
import { PendingWrites } from './pending-writes.js';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms),
  );

describe('PendingWrites', () => {
  it('settles after every write, and only then', async () => {
    const pending = new PendingWrites();
    const done: number[] = [];
    pending.add(later(20, 1).then((v) => done.push(v)));
    pending.add(later(5, 2).then((v) => done.push(v)));
    expect(done).toEqual([]);
    await pending.settle();
    expect(done.sort()).toEqual([1, 2]);
    await pending.settle(); // nothing left: resolves at once
  });

  it('throws the failed write from settle, never as an unhandled rejection meanwhile', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const pending = new PendingWrites();
      pending.add(later(1, 'upsert failed', true));
      pending.add(later(10, 'ok'));
      await later(30, null); // the failure happens while other work runs
      await expect(pending.settle()).rejects.toThrow('upsert failed');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
