import { ManualClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { describe, expect, it } from 'vitest';
import { createPullTrigger } from './pull-trigger.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(pull: () => Promise<void> = async () => {}) {
  const clock = new ManualClock({ wallMs: 1767225600000 });
  const trigger = createPullTrigger({
    clock,
    random: createSeededRandom('pull'),
    intervalMs: 60_000,
    jitterMs: 5_000,
    pull,
  });
  return { clock, trigger };
}

describe('pull trigger', () => {
  it('pulls at start, then on the timer without any hint (MQTT silent)', async () => {
    const { clock, trigger } = setup();
    trigger.start();
    await flush();
    expect(trigger.stats.pulls).toBe(1);
    clock.advance(59_999);
    await flush();
    expect(trigger.stats.pulls).toBe(1);
    clock.advance(5_001);
    await flush();
    expect(trigger.stats.pulls).toBe(2);
    for (let i = 0; i < 10; i += 1) {
      clock.advance(65_000);
      await flush();
    }
    expect(trigger.stats.pulls).toBe(12);
    trigger.stop();
  });

  it('pulls at once on a hint', async () => {
    const { clock, trigger } = setup();
    trigger.start();
    await flush();
    clock.advance(1000);
    trigger.hint();
    await flush();
    expect(trigger.stats).toEqual({ pulls: 2, hinted: 1, failures: 0 });
    trigger.stop();
  });

  it('coalesces hints that arrive during a pull into one more pull', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const { trigger } = setup(() => {
      calls += 1;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    trigger.start();
    await flush();
    trigger.hint();
    trigger.hint();
    trigger.hint();
    release();
    await flush();
    expect(calls).toBe(2);
    release();
    await flush();
    expect(calls).toBe(2);
    trigger.stop();
  });

  it('counts a failing pull and keeps the timer going', async () => {
    const { clock, trigger } = setup(async () => {
      throw new Error('central unreachable');
    });
    trigger.start();
    await flush();
    clock.advance(65_000);
    await flush();
    expect(trigger.stats).toEqual({ pulls: 2, hinted: 0, failures: 2 });
    trigger.stop();
  });

  it('does nothing after stop', async () => {
    const { clock, trigger } = setup();
    trigger.start();
    await flush();
    trigger.stop();
    trigger.hint();
    clock.advance(600_000);
    await flush();
    expect(trigger.stats.pulls).toBe(1);
  });
});
