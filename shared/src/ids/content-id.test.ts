import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContentIdPart, contentId } from './content-id.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('contentId', () => {
  // Golden values computed independently with Python hashlib over the documented encoding
  // (JSON array [namespace, 's'+string | 'i'+integer, ...]); they must never change, since
  // ids already written to ledgers and outboxes depend on them.
  it.each([
    [['charge', 'meter-7', 1711843200000, 'tou-v3'], 'c28610f2-3993-8380-a792-5e65f14d9c23'],
    [['ledger-entry', 'payment', 'pay-123'], '4c3a20ae-0960-8dff-add6-c41494fe23ff'],
    [['x'], 'cd65ea2c-2ad9-8e94-a85b-1b6df72efef9'],
    [['tariff', '北京-居民', -5], '6fcc82fb-9f2a-8a94-9c49-1dc98ece3b06'],
  ] as const)('%j → %s', (args, expected) => {
    const [namespace, ...parts] = args;
    expect(contentId(namespace, ...(parts as ContentIdPart[]))).toBe(expected);
  });

  it('is a version 8 UUID with the RFC 9562 variant', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.string()), (ns, parts) => {
        expect(contentId(ns, ...parts)).toMatch(UUID_V8);
      }),
    );
  });

  it('numbers and bigints of the same integer agree; strings and integers differ', () => {
    expect(contentId('n', 1)).toBe(contentId('n', 1n));
    expect(contentId('n', -0)).toBe(contentId('n', 0n));
    expect(contentId('n', '1')).not.toBe(contentId('n', 1));
    expect(contentId('n', 2n ** 70n)).toBe(contentId('n', BigInt('1180591620717411303424')));
  });

  it('boundaries between namespace and parts are unambiguous', () => {
    expect(contentId('a', 'bc')).not.toBe(contentId('a', 'b', 'c'));
    expect(contentId('ab', 'c')).not.toBe(contentId('a', 'bc'));
    expect(contentId('a', '')).not.toBe(contentId('a'));
    expect(contentId('a', 's1')).not.toBe(contentId('a', 1));
    expect(contentId('a', '","')).not.toBe(contentId('a', '', ''));
  });

  it('distinct inputs never collide (property)', () => {
    const part = fc.oneof(fc.string({ maxLength: 6 }), fc.bigInt({ min: -1000n, max: 1000n }));
    const input = fc.tuple(
      fc.string({ minLength: 1, maxLength: 4 }),
      fc.array(part, { maxLength: 4 }),
    );
    const key = ([ns, parts]: [string, (string | bigint)[]]): string =>
      JSON.stringify([ns, ...parts.map((p) => (typeof p === 'bigint' ? `i${p}` : `s${p}`))]);
    fc.assert(
      fc.property(
        fc.uniqueArray(input, { minLength: 2, maxLength: 200, selector: key }),
        (inputs) => {
          const ids = new Set(inputs.map(([ns, parts]) => contentId(ns, ...parts)));
          expect(ids.size).toBe(inputs.length);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects floats, NaN and an empty namespace, naming the part', () => {
    expect(() => contentId('charge', 'm', 1.5)).toThrow(/contentId\(charge\): part 1 .* got 1.5/);
    expect(() => contentId('charge', Number.NaN)).toThrow(/part 0 .* got NaN/);
    expect(() => contentId('charge', 2 ** 60)).toThrow(/safe integer/);
    expect(() => contentId('')).toThrow(/namespace must not be empty/);
  });
});
