import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minuteIndex } from './minute-index.js';

describe('minuteIndex', () => {
  it('equals Math.floor(deltaMs / 60000) for every ms of a 26-hour day boundary region', () => {
    for (let m = 0; m <= 1560; m++) {
      for (const d of [-1, 0, 1]) {
        const x = m * 60_000 + d;
        if (x < 0) continue;
        expect(minuteIndex(x)).toBe(Math.floor(x / 60_000));
      }
    }
  });
  it('equals Math.floor(deltaMs / 60000) for random ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 26 * 3_600_000 }), (x) => {
        expect(minuteIndex(x)).toBe(Math.floor(x / 60_000));
      }),
      { numRuns: 20_000 },
    );
  });
});
