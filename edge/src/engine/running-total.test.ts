import { divRound, ROUNDING_RULES } from '@gridbill/shared/money';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postAmount, type RunningTotal } from './running-total.js';

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
