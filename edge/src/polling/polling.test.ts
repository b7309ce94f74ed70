import { ManualClock } from '@gridbill/shared/clock';
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';
import {
  BusTimeoutError,
  DeviceBackoffError,
  interFrameGapMs,
  SerialBusQueue,
} from './serial-bus-queue.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('SerialBusQueue', () => {
  it('computes t3.5 from the baud rate', () => {
    expect(interFrameGapMs(9_600)).toBeCloseTo(4.0104, 3);
    expect(interFrameGapMs(19_200)).toBeCloseTo(2.0052, 3);
    expect(interFrameGapMs(115_200)).toBe(1.75);
  });

  it('runs one request at a time with the gap between, relay commands first', async () => {
    const clock = new ManualClock({ wallMs: 0 });
    const q = new SerialBusQueue(clock, {
      interFrameGapMs: 4,
      timeoutMs: 100,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const log: string[] = [];
    let active = 0;
    const job = (name: string) => async () => {
      active += 1;
      expect(active).toBe(1);
      log.push(`${name}@${clock.monoMs()}`);
      await clock.sleep(10);
      active -= 1;
      return name;
    };
    const all = Promise.all([
      q.run('a', job('a')),
      q.run('b', job('b')),
      q.run('c', job('c'), 'high'),
    ]);
    for (let i = 0; i < 50; i++) {
      await flush();
      clock.advance(1);
    }
    expect(await all).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a@0', 'c@14', 'b@28']); // 10 ms transaction + 4 ms silence
  });

  it('times out a silent device and backs it off without blocking others', async () => {
    const clock = new ManualClock({ wallMs: 0 });
    const q = new SerialBusQueue(clock, {
      interFrameGapMs: 1,
      timeoutMs: 20,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const silent = () => new Promise<never>(() => {});
    const first = q.run('dead', silent).catch((e) => e);
    const other = q.run('ok', async () => 'fine');
    for (let i = 0; i < 30; i++) {
      await flush();
      clock.advance(1);
    }
    expect(await first).toBeInstanceOf(BusTimeoutError);
    expect(await other).toBe('fine');
    await expect(q.run('dead', async () => 'x')).rejects.toBeInstanceOf(DeviceBackoffError);
    clock.advance(60);
    const later = q.run('dead', async () => 'back');
    for (let i = 0; i < 5; i++) {
      await flush();
      clock.advance(1);
    }
    expect(await later).toBe('back');
  });
});

describe('ConcurrencyLimit', () => {
  it('never runs more than the limit at once', async () => {
    const limit = new ConcurrencyLimit(3);
    let active = 0;
    let peak = 0;
    const task = async (n: number) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 1 + (n % 3)));
      active -= 1;
      return n;
    };
    const out = await Promise.all(Array.from({ length: 20 }, (_, n) => limit.run(() => task(n))));
    expect(out).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(peak).toBe(3);
  });
});
