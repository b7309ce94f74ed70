import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ValueType } from './types.js';
import { decodeWords, encodeWords } from './value-codec.js';

interface Vector {
  type: ValueType;
  value: number;
  words: number[];
  decoded: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/modbus/word-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

describe('register word codec against Python struct vectors', () => {
  it.each(fixture.vectors.map((v) => [`${v.type} ${v.value}`, v] as const))('%s', (_n, v) => {
    expect(encodeWords(v.type, v.value)).toEqual(v.words);
    expect(decodeWords(v.type, v.words)).toBe(v.decoded);
  });

  it('refuses integers out of range and wrong word counts', () => {
    expect(() => encodeWords('uint16', 70000)).toThrow(/not a uint16/);
    expect(() => encodeWords('uint32', -1)).toThrow(/not a uint32/);
    expect(() => encodeWords('int32', 1.5)).toThrow(/not a int32/);
    expect(() => decodeWords('float32', [1])).toThrow(/needs 2 registers/);
  });
});
