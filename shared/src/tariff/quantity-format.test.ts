import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kwhText, wholeWhKwhText } from './quantity-format.js';

describe('wholeWhKwhText', () => {
  it('formats whole Wh as kWh (doc examples and edges)', () => {
    expect(wholeWhKwhText(1500)).toBe('1.5');
    expect(wholeWhKwhText(7)).toBe('0.007');
    expect(wholeWhKwhText(0)).toBe('0');
    expect(wholeWhKwhText(10)).toBe('0.01');
    expect(wholeWhKwhText(100_000)).toBe('100');
    expect(wholeWhKwhText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740.991');
  });

  it('gives the same text as kwhText of the exact rational', () => {
    const wh = fc.oneof(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 1_000_000 }).map((k) => k * 1000),
    );
    fc.assert(
      fc.property(wh, (x) => {
        expect(wholeWhKwhText(x)).toBe(kwhText({ n: BigInt(x), d: 1n }));
      }),
      { numRuns: 5_000, seed: 5 },
    );
  });
});
