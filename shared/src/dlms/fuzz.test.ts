import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './byte-reader.js';
import { DLMS_DECODERS } from './decoders.js';
import { DlmsDecodeError } from './errors.js';

/**
 * Fuzzing in the test suite: RUNS random + RUNS mutated inputs per decoder (a few seconds in
 * all). `bench/dlms-fuzz.ts` runs ≥ 100,000 of each per decoder and reports the counts.
 */
const RUNS = 2_000;
const vectors = (
  JSON.parse(
    readFileSync(new URL('../../test/fixtures/dlms/dlms-vectors.json', import.meta.url), 'utf8'),
  ) as { vectors: { name: string; hex: string }[] }
).vectors;

function seedsFor(prefixes: readonly string[], extra: readonly string[] = []): Uint8Array[] {
  const picked = vectors.filter((v) => prefixes.some((p) => v.name.startsWith(p)));
  const all = picked.length > 0 || extra.length > 0 ? picked : vectors;
  return [...all.map((v) => v.hex), ...extra].map(fromHex);
}

/** Mutations: byte overwrite, insertion, deletion, truncation, length-byte bumps. */
function mutated(seeds: Uint8Array[]) {
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 4 }), fc.nat({ max: 255 }));
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => {
      let b = Array.from(seed);
      for (const [pos, op, value] of edits) {
        const at = b.length === 0 ? 0 : pos % b.length;
        if (op === 0) b[at] = value;
        else if (op === 1) b.splice(at, 0, value);
        else if (op === 2) b.splice(at, 1);
        else if (op === 3) b = b.slice(0, at);
        else b[at] = ((b[at] ?? 0) + (value % 2 === 0 ? 1 : 255)) & 0xff;
      }
      return Uint8Array.from(b);
    });
}

function typedOnly(decode: (b: Uint8Array) => unknown) {
  return (bytes: Uint8Array) => {
    try {
      decode(bytes);
    } catch (err) {
      if (!(err instanceof DlmsDecodeError)) throw err;
      expect(err.offset).toBeGreaterThanOrEqual(0);
    }
  };
}

describe('fuzzing: a value or a DlmsDecodeError, never anything else', () => {
  for (const d of DLMS_DECODERS) {
    it(`${d.name}: ${RUNS} random + ${RUNS} mutated inputs`, () => {
      const random = fc.uint8Array({ maxLength: 300 });
      fc.assert(fc.property(random, typedOnly(d.decode)), { numRuns: RUNS, seed: 4 });
      fc.assert(fc.property(mutated(seedsFor(d.seedPrefixes, d.seedHex)), typedOnly(d.decode)), {
        numRuns: RUNS,
        seed: 5,
      });
    });
  }

  it('deep nesting is bounded (no stack overflow)', () => {
    const deep = new Uint8Array(200_000).fill(0x01);
    expect(() => DLMS_DECODERS[0]!.decode(deep)).toThrow(DlmsDecodeError);
  });

  it('huge declared lengths fail fast without allocating', () => {
    expect(() => DLMS_DECODERS[0]!.decode(fromHex('0984FFFFFFFF00'))).toThrow(/too large/);
    expect(() => DLMS_DECODERS[0]!.decode(fromHex('0183FFFFFF'))).toThrow(DlmsDecodeError);
  });
});
