import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.js';

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
const weightLists = fc
  .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 30 })
  .filter((ws) => sum(ws) > 0n);
const totals = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });

describe('allocate', () => {
  it.each([
    [100n, [1n, 1n, 1n], [34n, 33n, 33n]],
    [-5n, [1n, 3n], [-1n, -4n]],
    [10n, [0n, 1n], [0n, 10n]],
    [1n, [1n, 1n, 1n], [1n, 0n, 0n]],
    [3838n, [5881n, 2046n], [2847n, 991n]],
  ] as const)('allocate(%s, %s) = %s', (total, weights, expected) => {
    expect(allocate(total, weights)).toEqual(expected);
  });

  it('parts always sum to the total', () => {
    fc.assert(
      fc.property(totals, weightLists, (total, weights) => {
        expect(sum(allocate(total, weights))).toBe(total);
      }),
      { numRuns: 3000 },
    );
  });

  it('each part is within one unit of its exact share and has the sign of the total', () => {
    fc.assert(
      fc.property(totals, weightLists, (total, weights) => {
        const parts = allocate(total, weights);
        const ws = sum(weights);
        parts.forEach((part, i) => {
          const w = weights[i] ?? 0n;
          // |part·ws - total·w| < ws  ⇔  |part - exact share| < 1
          const diff = part * ws - total * w;
          expect(diff < ws && diff > -ws).toBe(true);
          if (w === 0n) expect(part).toBe(0n);
          if (total >= 0n) expect(part >= 0n).toBe(true);
          else expect(part <= 0n).toBe(true);
        });
      }),
    );
  });

  it('is symmetric in sign: allocate(-t) = -allocate(t)', () => {
    fc.assert(
      fc.property(totals, weightLists, (total, weights) => {
        expect(allocate(-total, weights)).toEqual(allocate(total, weights).map((p) => -p));
      }),
    );
  });

  it('names the bad weights', () => {
    expect(() => allocate(10n, [])).toThrow(/weights must not be empty/);
    expect(() => allocate(10n, [1n, -2n])).toThrow(/weight 1 is negative \(-2\)/);
    expect(() => allocate(10n, [0n, 0n])).toThrow(/weights sum to zero/);
  });
});
