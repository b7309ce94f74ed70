import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from './content-hash.js';

describe('canonicalJson', () => {
  it('sorts keys, writes bigint as a string and drops undefined', () => {
    expect(canonicalJson({ b: 1n, a: [true, null], c: undefined })).toBe(
      '{"a":[true,null],"b":"1"}',
    );
    expect(canonicalJson({ z: { y: 'é"', x: -0.5 } })).toBe('{"z":{"x":-0.5,"y":"é\\""}}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number NaN');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('unsupported function');
  });

  it('equals JSON.stringify up to key order, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('hashes with SHA-256 of the canonical text', () => {
    // sha256('{}') from any sha256 tool (printf '{}' | sha256sum)
    expect(contentHash({ a: undefined })).toBe(
      '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(contentHash(reversed)).toBe(contentHash(record));
      }),
    );
  });
});
