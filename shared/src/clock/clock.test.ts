import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { createSystemClock } from './system-clock.js';

describe('ManualClock', () => {
  it('fires timers in due order and keeps monotonic time through wall jumps', () => {
    const c = new ManualClock({ wallMs: 1_000_000 });
    const fired: string[] = [];
    c.setTimeout(() => fired.push('b'), 200);
    c.setTimeout(() => fired.push('a'), 100);
    const h = c.setTimeout(() => fired.push('never'), 150);
    c.clearTimeout(h);
    c.jumpWall(-500_000);
    c.advance(250);
    expect(fired).toEqual(['a', 'b']);
    expect(c.monoMs()).toBe(250);
    expect(c.wallMs()).toBe(500_250);
  });

  it('rejects negative advances', () => {
    expect(() => new ManualClock({ wallMs: 0 }).advance(-1)).toThrow(/deltaMs must be >= 0/);
  });
});

describe('system clock under fake timers', () => {
  it('is driven by @sinonjs/fake-timers for wall, monotonic and sleep', async () => {
    const fake = FakeTimers.install({
      now: 1_700_000_000_000,
      toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout'],
    });
    try {
      const clock = createSystemClock();
      const mono0 = clock.monoMs();
      let woke = false;
      const p = clock.sleep(5_000).then(() => { woke = true; });
      await fake.tickAsync(4_999);
      expect(woke).toBe(false);
      await fake.tickAsync(1);
      await p;
      expect(woke).toBe(true);
      expect(clock.wallMs()).toBe(1_700_000_005_000);
      expect(clock.monoMs() - mono0).toBe(5_000);
      fake.setSystemTime(1_600_000_000_000);
      expect(clock.wallMs()).toBe(1_600_000_000_000);
      expect(clock.monoMs() - mono0).toBe(5_000);
    } finally {
      fake.uninstall();
    }
  });
});
