import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeWatermark } from './watermark.js';

describe('computeWatermark', () => {
  it('stops at the first missing seq', () => {
    expect(computeWatermark(3, [5, 4, 7])).toEqual({
      ackedThroughSeq: 5,
      expectedNextSeq: 6,
      missingSeqs: [6],
    });
  });

  it('ignores duplicates and already-acked seqs', () => {
    expect(computeWatermark(2, [1, 2, 3, 3, 4])).toEqual({
      ackedThroughSeq: 4,
      expectedNextSeq: 5,
      missingSeqs: [],
    });
  });

  it('refuses non-integer or zero seqs', () => {
    expect(() => computeWatermark(0, [0])).toThrow('seq must be an integer ≥ 1, got 0');
    expect(() => computeWatermark(0, [1.5])).toThrow('got 1.5');
    expect(() => computeWatermark(-1, [])).toThrow('ackedThroughSeq must be an integer ≥ 0');
  });

  it('equals the naive definition for any set', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 20 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }),
        (acked, seqs) => {
          const set = new Set(seqs);
          let naive = acked;
          while (set.has(naive + 1)) naive += 1;
          const result = computeWatermark(acked, seqs);
          expect(result.ackedThroughSeq).toBe(naive);
          for (const missing of result.missingSeqs) expect(set.has(missing)).toBe(false);
        },
      ),
    );
  });

  it('is independent of arrival order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 40 }), (seqs) => {
        const reversed = [...seqs].reverse();
        expect(computeWatermark(0, reversed)).toEqual(computeWatermark(0, seqs));
      }),
    );
  });
});
