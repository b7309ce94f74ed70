import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertRoundingRule,
  divRound,
  divRoundSafe,
  ROUNDING_RULES,
  type RoundingRule,
  rescale,
} from './rounding.js';

/**
 * Reference: of the two integers around num/den, pick by comparing exact distances
 * |num - q·den| (no remainder tricks), then apply the rule's tie-break.
 */
function referenceRound(num: bigint, den: bigint, rule: RoundingRule): bigint {
  const n = den < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let lo = n / d;
  if (lo * d > n) lo -= 1n; // floor
  const hi = lo * d === n ? lo : lo + 1n;
  if (lo === hi) return lo;
  const towardZero = n < 0n ? hi : lo;
  const awayFromZero = n < 0n ? lo : hi;
  if (rule === 'down') return towardZero;
  if (rule === 'up') return awayFromZero;
  const distLo = n - lo * d;
  const distHi = hi * d - n;
  if (distLo !== distHi) return distLo < distHi ? lo : hi;
  if (rule === 'half-up') return awayFromZero;
  return lo % 2n === 0n ? lo : hi;
}

const bigInts = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
const denominators = fc.oneof(
  fc.bigInt({ min: 1n, max: 1000n }),
  fc.bigInt({ min: -1000n, max: -1n }),
  fc.bigInt({ min: 1n, max: 10n ** 25n }),
);
const rules = fc.constantFrom(...ROUNDING_RULES);

describe('divRound', () => {
  it('matches the distance-based reference for every rule', () => {
    fc.assert(
      fc.property(bigInts, denominators, rules, (n, d, rule) => {
        expect(divRound(n, d, rule)).toBe(referenceRound(n, d, rule));
      }),
      { numRuns: 3000 },
    );
  });

  it('is within one unit of the exact quotient and exact when divisible', () => {
    fc.assert(
      fc.property(bigInts, denominators, rules, (q, d, rule) => {
        expect(divRound(q * d, d, rule)).toBe(q);
        expect(divRound(q * d + 1n, d, rule) - q).toBeGreaterThanOrEqual(-1n);
      }),
    );
  });

  it.each([
    [5n, 2n, 'half-up', 3n],
    [-5n, 2n, 'half-up', -3n],
    [5n, 2n, 'half-even', 2n],
    [7n, 2n, 'half-even', 4n],
    [-5n, 2n, 'half-even', -2n],
    [29n, 10n, 'down', 2n],
    [-29n, 10n, 'down', -2n],
    [21n, 10n, 'up', 3n],
    [-21n, 10n, 'up', -3n],
    [5880500n, 1000n, 'half-up', 5881n],
    [5880500n, 1000n, 'half-even', 5880n],
  ] as const)('divRound(%s, %s, %s) = %s', (n, d, rule, expected) => {
    expect(divRound(n, d, rule)).toBe(expected);
  });

  it('names the bad input on division by zero and unknown rules', () => {
    expect(() => divRound(7n, 0n, 'down')).toThrow(/division by zero \(numerator 7\)/);
    expect(() => divRound(7n, 2n, 'nearest' as RoundingRule)).toThrow(/"nearest"/);
    expect(() => assertRoundingRule('bankers', 'tariff rounding')).toThrow(
      /tariff rounding: unknown rounding rule "bankers"/,
    );
    expect(assertRoundingRule('half-even')).toBe('half-even');
  });
});

const safeInt = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

describe('divRoundSafe', () => {
  it('equals the bigint divRound for every rule, any safe numerator and scale', () => {
    fc.assert(
      fc.property(
        safeInt,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(...ROUNDING_RULES),
        (num, e, rule) => {
          const den = 10 ** e;
          expect(BigInt(divRoundSafe(num, den, rule))).toBe(
            divRound(BigInt(num), BigInt(den), rule),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('rounds halves by the named rule', () => {
    expect(divRoundSafe(25, 10, 'half-up')).toBe(3);
    expect(divRoundSafe(-25, 10, 'half-up')).toBe(-3);
    expect(divRoundSafe(25, 10, 'half-even')).toBe(2);
    expect(divRoundSafe(35, 10, 'half-even')).toBe(4);
    expect(divRoundSafe(29, 10, 'down')).toBe(2);
    expect(divRoundSafe(21, 10, 'up')).toBe(3);
  });
});

describe('rescale', () => {
  it.each([
    [12345n, 4, 2, 'half-up', 123n],
    [12350n, 4, 2, 'half-up', 124n],
    [-125n, 2, 1, 'half-even', -12n],
    [7n, 0, 2, 'down', 700n],
  ] as const)('rescale(%s, %s → %s, %s) = %s', (v, from, to, rule, expected) => {
    expect(rescale(v, from, to, rule)).toBe(expected);
  });

  it('up then down is the identity', () => {
    fc.assert(
      fc.property(bigInts, fc.nat(12), fc.nat(12), rules, (v, s, extra, rule) => {
        expect(rescale(rescale(v, s, s + extra, rule), s + extra, s, rule)).toBe(v);
      }),
    );
  });

  it('rejects bad scales with the name and value', () => {
    expect(() => rescale(1n, -1, 2, 'down')).toThrow(/rescale fromScale: .* got -1/);
    expect(() => rescale(1n, 2, 1.5, 'down')).toThrow(/rescale toScale: .* got 1.5/);
  });
});
