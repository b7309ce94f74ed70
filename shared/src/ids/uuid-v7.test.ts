import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/index.js';
import { createSeededRandom, type RandomSource } from './random-source.js';
import { createUuidV7, uuidV7TimestampMs } from './uuid-v7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createUuidV7', () => {
  it('reproduces the RFC 9562 Appendix A.6 example', () => {
    // Example: Unix ms 0x017F22E279B0 (Tue Feb 22 2022 19:22:22 UTC), rand_a 0xCC3,
    // rand_b 0x18C4DC0C0C07398F → 017F22E2-79B0-7CC3-98C4-DC0C0C07398F.
    const bytes = Uint8Array.from([0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);
    const next = createUuidV7({ wallMs: () => 0x017f22e279b0 }, () => bytes);
    const id = next();
    expect(id).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
    expect(uuidV7TimestampMs(id)).toBe(1645557742000);
  });

  it('ids sort strictly in creation order through same-ms bursts and backward wall jumps', () => {
    const steps = fc.array(fc.integer({ min: -5_000, max: 3 }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(steps, fc.integer(), (deltas, seed) => {
        const clock = new ManualClock({ wallMs: 1_700_000_000_000 });
        const next = createUuidV7(clock, createSeededRandom(seed));
        const ids: string[] = [];
        for (const d of deltas) {
          if (d >= 0) clock.advance(d);
          else clock.jumpWall(d);
          ids.push(next());
        }
        for (const id of ids) expect(id).toMatch(UUID_V7);
        for (let i = 1; i < ids.length; i++) expect((ids[i - 1] ?? '') < (ids[i] ?? '')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('carries the wall clock ms while it moves forward', () => {
    const clock = new ManualClock({ wallMs: 1_700_000_000_000 });
    const next = createUuidV7(clock, createSeededRandom('ts'));
    for (let i = 0; i < 50; i++) {
      clock.advance(7);
      expect(uuidV7TimestampMs(next())).toBe(clock.wallMs());
    }
  });

  it('same clock and seed give the same ids; another seed gives others', () => {
    const run = (seed: string): string[] => {
      const clock = new ManualClock({ wallMs: 1_700_000_000_000 });
      const next = createUuidV7(clock, createSeededRandom(seed));
      return Array.from({ length: 20 }, (_, i) => {
        clock.advance(i % 3);
        return next();
      });
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });

  it('carries across the 32-bit and 30-bit parts of the counter', () => {
    const bytes = Uint8Array.from([0x0f, 0xff, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    const next = createUuidV7({ wallMs: () => 0 }, () => bytes);
    expect([next(), next(), next()]).toEqual([
      '00000000-0000-7fff-bfff-fffffffffffe',
      '00000000-0000-7fff-bfff-ffffffffffff',
      // all 74 bits were 1: the timestamp moves on and the counter is drawn again
      '00000000-0001-7fff-bfff-fffffffffffe',
    ]);
    const low = Uint8Array.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const next2 = createUuidV7({ wallMs: () => 0 }, () => low);
    expect([next2(), next2()]).toEqual([
      '00000000-0000-7000-8000-0000ffffffff',
      '00000000-0000-7000-8000-000100000000',
    ]);
  });

  it('moves to the next ms when the 74-bit counter would overflow', () => {
    const ones: RandomSource = (n) => new Uint8Array(n).fill(0xff);
    const next = createUuidV7({ wallMs: () => 1000 }, ones);
    const first = next();
    const second = next();
    expect(first < second).toBe(true);
    expect(uuidV7TimestampMs(first)).toBe(1000);
    expect(uuidV7TimestampMs(second)).toBe(1001);
  });

  it('rejects a clock before 1970 and malformed ids', () => {
    expect(() => createUuidV7({ wallMs: () => -1 }, createSeededRandom(1))()).toThrow(
      /wall clock -1 ms is outside/,
    );
    expect(() => uuidV7TimestampMs('not-a-uuid')).toThrow(
      /"not-a-uuid" is not a lower-case UUIDv7/,
    );
  });
});
