import { describe, expect, it } from 'vitest';
import { advanceCheckpoint, compareCheckpoint } from './checkpoint.js';

const at = (cseq: number, feedEpoch = 'e1') => ({ feedEpoch, cseq });

describe('compareCheckpoint', () => {
  it.each([
    [null, at(3), 'none'],
    [at(3, 'e0'), at(3), 'epoch-changed'],
    [at(2), at(3), 'behind'],
    [at(3), at(3), 'equal'],
    [at(4), at(3), 'ahead'],
  ] as const)('%j vs %j → %s', (local, central, expected) => {
    expect(compareCheckpoint(local, central)).toBe(expected);
  });
});

describe('advanceCheckpoint', () => {
  it('moves to the page checkpoint', () => {
    const page = { checkpoint: at(8), changes: [{ cseq: 6 }, { cseq: 8 }] };
    expect(advanceCheckpoint(at(5), page)).toEqual(at(8));
  });

  it('keeps the position on an empty page', () => {
    expect(advanceCheckpoint(at(5), { checkpoint: at(5), changes: [] })).toEqual(at(5));
  });

  it('refuses a page from another epoch, a replayed page, a backwards checkpoint', () => {
    expect(() => advanceCheckpoint(at(5), { checkpoint: at(8, 'e2'), changes: [] })).toThrow(
      'epoch changed from e1 to e2',
    );
    expect(() =>
      advanceCheckpoint(at(5), { checkpoint: at(6), changes: [{ cseq: 5 }, { cseq: 6 }] }),
    ).toThrow('starts at cseq 5, not after local 5');
    expect(() => advanceCheckpoint(at(5), { checkpoint: at(4), changes: [] })).toThrow(
      'checkpoint 4 is behind local 5',
    );
  });
});
