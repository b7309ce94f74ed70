import { ManualClock } from '@gridbill/shared/clock';
import { describe, expect, it } from 'vitest';
import { SimClock } from './sim-clock.js';

describe('SimClock', () => {
  it('runs accelerated, freezes at speed 0 and jumps only forward', () => {
    const base = new ManualClock({ wallMs: 0 });
    const sim = new SimClock(base, { startMs: 1_000_000, speed: 3600 });
    base.advance(1000);
    expect(sim.wallMs()).toBe(1_000_000 + 3_600_000);
    sim.setSpeed(0);
    base.advance(5000);
    expect(sim.wallMs()).toBe(4_600_000);
    sim.jump(60_000);
    expect(sim.wallMs()).toBe(4_660_000);
    expect(sim.monoMs()).toBe(3_660_000);
    expect(() => sim.jump(-1)).toThrow(/only moves forward/);
    expect(() => sim.setSpeed(-2)).toThrow(/speed must be/);
  });

  it('scales timers by speed', () => {
    const base = new ManualClock({ wallMs: 0 });
    const sim = new SimClock(base, { startMs: 0, speed: 60 });
    let fired = false;
    sim.setTimeout(() => (fired = true), 60_000);
    base.advance(999);
    expect(fired).toBe(false);
    base.advance(1);
    expect(fired).toBe(true);
  });
});
