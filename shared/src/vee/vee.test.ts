import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDelta } from './classify-delta.js';
import { checkClockSkew } from './clock-skew.js';
import { isSpike, nextRate } from './spike.js';
import { alignToInterval, splitIntervals } from './split-intervals.js';
import type { VeeState } from './types.js';
import { validateReading } from './validate-reading.js';

const limits = {
  registerDigits: 8,
  maxWhPerHour: 23_000,
  spikeFactor: 5,
  spikeFloorWhPerHour: 2_000,
};
const ctx = { limits, gatewayWallMs: 10 ** 12, maxClockSkewMs: 120_000 };
const HALF_HOUR = 1_800_000;

describe('classifyDelta', () => {
  it('accepts increases and rollovers, quarantines other decreases', () => {
    expect(classifyDelta(1_000, 1_250, HALF_HOUR, limits)).toEqual({
      ok: true,
      deltaWh: 250,
      flags: [],
    });
    expect(classifyDelta(99_999_900, 150, HALF_HOUR, limits)).toEqual({
      ok: true,
      deltaWh: 250,
      flags: ['rollover'],
    });
    const drop = classifyDelta(5_000, 4_000, HALF_HOUR, limits);
    expect(drop).toMatchObject({ ok: false, reason: 'register_decrease' });
    // a wrap that implies more than the breaker can deliver is not a rollover
    expect(classifyDelta(90_000_000, 10, HALF_HOUR, limits)).toMatchObject({ ok: false });
    expect(classifyDelta(0, 11_501, HALF_HOUR, limits)).toMatchObject({
      ok: false,
      reason: 'exceeds_physical_max',
    });
    expect(classifyDelta(0, 11_500, HALF_HOUR, limits)).toMatchObject({ ok: true });
  });
});

describe('validateReading', () => {
  const s0: VeeState = {
    lastCaptureMs: 0,
    lastValueWh: 1_000,
    serial: 'S1',
    rateMilliWhPerHour: 0,
  };
  it('matches the documented example', () => {
    expect(validateReading(s0, { captureMs: 900_000, valueWh: 1_250, serial: 'S1' }, ctx)).toEqual({
      kind: 'accepted',
      deltaWh: 250,
      fromMs: 0,
      flags: [],
      state: {
        lastCaptureMs: 900_000,
        lastValueWh: 1_250,
        serial: 'S1',
        rateMilliWhPerHour: 1_000_000,
      },
    });
  });
  it('treats a serial change as a replacement baseline', () => {
    const out = validateReading(s0, { captureMs: 900_000, valueWh: 3, serial: 'S2' }, ctx);
    expect(out).toMatchObject({ kind: 'baseline', flags: ['replacement'] });
  });
  it('ignores exact duplicates and quarantines conflicting or older reads', () => {
    expect(validateReading(s0, { captureMs: 0, valueWh: 1_000, serial: 'S1' }, ctx)).toEqual({
      kind: 'duplicate',
    });
    expect(validateReading(s0, { captureMs: 0, valueWh: 1_001, serial: 'S1' }, ctx)).toMatchObject({
      kind: 'quarantined',
      reason: 'out_of_order',
    });
    const later = { ...s0, lastCaptureMs: 900_000 };
    expect(validateReading(later, { captureMs: 0, valueWh: 900, serial: 'S1' }, ctx)).toMatchObject(
      {
        reason: 'out_of_order',
      },
    );
  });
  it('rejects impossible values and future timestamps', () => {
    for (const valueWh of [-1, 1.5, 10 ** 8, Number.NaN])
      expect(validateReading(s0, { captureMs: 900_000, valueWh, serial: 'S1' }, ctx)).toMatchObject(
        {
          reason: 'invalid_value',
        },
      );
    const future = { captureMs: ctx.gatewayWallMs + 600_000, valueWh: 1_100, serial: 'S1' };
    expect(validateReading(s0, future, ctx)).toMatchObject({ reason: 'future_timestamp' });
  });
  it('flags spikes against history but keeps the energy', () => {
    const hist = { ...s0, rateMilliWhPerHour: 400_000 };
    const out = validateReading(hist, { captureMs: 3_600_000, valueWh: 6_000, serial: 'S1' }, ctx);
    expect(out).toMatchObject({ kind: 'accepted', deltaWh: 5_000, flags: ['spike'] });
  });

  it('conserves energy, never negative, across rollover, duplicates, glitches', () => {
    const step = fc.record({
      wh: fc.integer({ min: 0, max: 5_000 }),
      dup: fc.boolean(),
      glitch: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 99_000_000, max: 99_999_999 }),
        fc.array(step, { maxLength: 60 }),
        (start, steps) => {
          let state: VeeState | undefined;
          let register = start;
          let t = 0;
          let billed = 0;
          let truth = 0;
          const feed = (valueWh: number, captureMs: number) => {
            const out = validateReading(
              state,
              { captureMs, valueWh, serial: 'S' },
              { ...ctx, gatewayWallMs: captureMs },
            );
            if (out.kind === 'accepted') {
              expect(out.deltaWh).toBeGreaterThanOrEqual(0);
              billed += out.deltaWh;
            }
            if (out.kind === 'accepted' || out.kind === 'baseline') state = out.state;
          };
          feed(register, t);
          for (const s of steps) {
            t += 900_000;
            if (s.glitch) feed((register + 50_000_000) % 10 ** 8, t - 1); // corrupt read
            register = (register + s.wh) % 10 ** 8;
            truth += s.wh;
            feed(register, t);
            if (s.dup) feed(register, t);
          }
          expect(billed).toBe(truth);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('spikes, gaps, skew', () => {
  it('computes the smoothed rate and spike test', () => {
    expect(nextRate(0, 250, 900_000)).toBe(1_000_000);
    expect(nextRate(1_000_000, 0, 900_000)).toBe(875_000);
    expect(isSpike(5_000, 3_600_000, 400_000, limits)).toBe(true);
    expect(isSpike(1_500, 3_600_000, 100_000, limits)).toBe(false); // under the floor
  });
  it('splits gaps into estimated intervals, long ones also flagged gap', () => {
    expect(splitIntervals(0, 2_700_000, 10, 900, 4)).toEqual([
      { startMs: 0, endMs: 900_000, energyWh: 4, flags: ['estimated'] },
      { startMs: 900_000, endMs: 1_800_000, energyWh: 3, flags: ['estimated'] },
      { startMs: 1_800_000, endMs: 2_700_000, energyWh: 3, flags: ['estimated'] },
    ]);
    expect(splitIntervals(0, 900_000, 7, 900, 4)).toEqual([
      { startMs: 0, endMs: 900_000, energyWh: 7, flags: [] },
    ]);
    const long = splitIntervals(0, 9_000_000, 70, 900, 4);
    expect(long).toHaveLength(10);
    expect(long.every((p) => p.energyWh === 7 && p.flags.join() === 'estimated,gap')).toBe(true);
    expect(() => splitIntervals(1, 900_000, 7, 900, 4)).toThrow(/not aligned/);
    expect(alignToInterval(900_004_000, 900, 30_000)).toBe(900_000_000);
    expect(alignToInterval(900_450_000, 900, 30_000)).toBeUndefined();
  });
  it('checks meter clock skew only on a trusted gateway clock', () => {
    const gw = { wallMs: 1_000_000_000, trusted: true };
    expect(checkClockSkew(1_000_300_000, gw, 120_000)).toEqual({ kind: 'skewed', skewMs: 300_000 });
    expect(checkClockSkew(1_000_030_000, gw, 120_000)).toEqual({ kind: 'ok', skewMs: 30_000 });
    expect(checkClockSkew(0, { ...gw, trusted: false }, 120_000).kind).toBe('unknown');
  });
});
