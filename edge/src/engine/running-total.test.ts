import { divRound, ROUNDING_RULES } from '@gridbill/shared/money';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRoundSafe, postAmount, type RunningTotal } from './running-total.js';

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

describe('postAmount', () => {
  it('posts what bigint arithmetic posts, across the 2^53 boundary and from checkpoints', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2_000_000_000_000, max: 2e15 }), { maxLength: 30 }),
        fc.constantFrom(...ROUNDING_RULES),
        fc.constantFrom(0, Number.MAX_SAFE_INTEGER - 1e16, Number.MAX_SAFE_INTEGER - 1e15),
        (amounts, rule, start) => {
          const fast: RunningTotal = { totalNano: String(start), postedMinor: '0' };
          let total = BigInt(start);
          let posted = 0n;
          for (const a of amounts) {
            total += BigInt(a);
            const rounded = divRound(total, 10_000_000n, rule);
            expect(postAmount(fast, a, 2, rule)).toBe(rounded - posted);
            posted = rounded;
          }
          expect(String(fast.totalNano)).toBe(String(total));
          expect(String(fast.postedMinor)).toBe(String(posted));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps numbers while safe and switches to bigints past 2^53', () => {
    const t: RunningTotal = { totalNano: 0, postedMinor: 0 };
    expect(postAmount(t, 125_000_000, 2, 'half-up')).toBe(13n);
    expect(postAmount(t, 125_000_000, 2, 'half-up')).toBe(12n);
    expect(t).toEqual({ totalNano: 250_000_000, postedMinor: 25 });
    postAmount(t, Number.MAX_SAFE_INTEGER - 100, 2, 'half-up');
    expect(typeof t.totalNano).toBe('bigint');
  });
});
