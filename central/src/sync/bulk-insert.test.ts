import { describe, expect, it } from 'vitest';
import { concatBytes } from './bulk-insert.js';

describe('concatBytes', () => {
  it('joins byte strings with offsets and lengths that cut them out again', () => {
    const items = [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)];
    const { bytes, offsets, lengths } = concatBytes(items);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(offsets).toEqual([0, 2, 2]);
    expect(lengths).toEqual([2, 0, 1]);
    const back = items.map((_, i) => [...bytes.subarray(offsets[i], offsets[i]! + lengths[i]!)]);
    expect(back).toEqual(items.map((b) => [...b]));
    expect(concatBytes([]).bytes.length).toBe(0);
  });
});
