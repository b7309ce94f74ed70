import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCounterStore } from './file-counter-store.js';
import { InvocationCounterAllocator } from './invocation-counter.js';

const dir = mkdtempSync(join(tmpdir(), 'gridbill-ic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file invocation counter store', () => {
  it('a new allocator on the same file starts above every counter handed out', async () => {
    const path = join(dir, 'ic.json');
    const first = await InvocationCounterAllocator.open(fileCounterStore(path, 'm1'), {
      blockSize: 100,
    });
    const used = [await first.next(), await first.next(), await first.next()];
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ m1: 100 });
    const second = await InvocationCounterAllocator.open(fileCounterStore(path, 'm1'), {
      blockSize: 100,
    });
    const next = await second.next();
    expect(next).toBe(100);
    expect(used.every((u) => u < next)).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ m1: 200 });
  });

  it('keys are independent and a reservation never moves backwards', async () => {
    const path = join(dir, 'ic2.json');
    const a = fileCounterStore(path, 'a');
    await a.save(500);
    await fileCounterStore(path, 'b').save(7);
    await a.save(300);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 500, b: 7 });
  });

  it('a corrupt file is a clear error, not a silent reset to 0', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"m1": -4}');
    await expect(fileCounterStore(path, 'm1').load()).rejects.toThrow(/"m1" is not a non-negative/);
  });
});
