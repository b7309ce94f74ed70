import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRandom, randomFraction, randomInt } from './random-source.js';

describe('createSeededRandom', () => {
  it('same seed gives the same bytes; reading in chunks of 4 is the same stream', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (seed) => {
        const a = createSeededRandom(seed)(64);
        expect(createSeededRandom(seed)(64)).toEqual(a);
        const chunked = createSeededRandom(seed);
        const parts = Array.from({ length: 16 }, () => [...chunked(4)]).flat();
        expect(Uint8Array.from(parts)).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it('matches an independent Python xoshiro128** over the SHA-256 seeded state', () => {
    // Python port of Vigna's xoshiro128starstar.c (its state {1,2,3,4} gives 11520, 0,
    // 5927040, 70819200, 2031721883), state = first 16 bytes of sha256('<type>:<seed>') LE.
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(createSeededRandom('sim')(16))).toBe('bfda9c6f6dbbc6cabbe042f4ed7df188');
    expect(hex(createSeededRandom(42)(10))).toBe('c7e010ea8c745ba5ead2');
  });

  it('different seeds (including 1 vs "1") give different streams', () => {
    const streams = [1, '1', 2, 'sim', 'sim2', 0].map((s) =>
      Buffer.from(createSeededRandom(s)(16)),
    );
    expect(new Set(streams.map((b) => b.toString('hex'))).size).toBe(streams.length);
  });

  it('bytes look uniform (chi-square over 64k bytes, 255 dof, < 340)', () => {
    const bytes = createSeededRandom('uniformity')(65_536);
    const counts = new Array<number>(256).fill(0);
    for (const b of bytes) counts[b] = (counts[b] ?? 0) + 1;
    const expected = bytes.length / 256;
    const chi = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(340);
    expect(chi).toBeGreaterThan(180);
  });

  it('rejects bad arguments', () => {
    expect(() => createSeededRandom(Number.NaN)).toThrow(/seed must be finite, got NaN/);
    expect(() => createSeededRandom(1)(-1)).toThrow(/byteCount must be an integer >= 0, got -1/);
  });
});

describe('randomInt / randomFraction', () => {
  it('stay in range and hit every value of a small range', () => {
    const random = createSeededRandom('dice');
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const roll = randomInt(random, 1, 6);
      expect(roll >= 1 && roll <= 6).toBe(true);
      seen.add(roll);
      const f = randomFraction(random);
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives the documented examples', () => {
    expect(randomFraction(createSeededRandom('load'))).toBe(0.09049510813781658);
    expect(randomInt(createSeededRandom(1), 1, 6)).toBe(1);
    expect([...createSeededRandom('sim-42')(4)]).toEqual([181, 62, 215, 148]);
  });

  it('names a bad range', () => {
    expect(() => randomInt(createSeededRandom(1), 5, 4)).toThrow(/got 5..4/);
  });
});
