import { describe, expect, it } from 'vitest';
import { VarintWriter } from './varint-writer.js';

const bytesOf = (...values: number[]) => {
  const w = new VarintWriter(1);
  for (const v of values) w.uvarint(v);
  return Buffer.from(w.buf.subarray(0, w.at)).toString('hex');
};

describe('VarintWriter', () => {
  it('writes LEB128, low group first, growing its buffer', () => {
    expect(bytesOf(300)).toBe('ac02');
    expect(bytesOf(0, 127, 128, 16_383, 16_384)).toBe('007f' + '8001' + 'ff7f' + '808001');
    expect(bytesOf(2 ** 53)).toBe('8080808080808010');
    expect(bytesOf(...new Array(100).fill(900_000)).length).toBe(100 * 3 * 2);
  });

  it('refuses what is not an integer in 0..2^53', () => {
    for (const v of [-1, 1.5, 2 ** 53 + 2, Number.NaN]) {
      expect(() => bytesOf(v), String(v)).toThrow(RangeError);
    }
  });
});
