import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueArb } from './arbitraries.test-support.js';
import { fromHex } from './byte-reader.js';
import { dlmsValueFromJson, dlmsValueToJson } from './json-values.js';

describe('type-tagged JSON values', () => {
  it('clock octet-string gets an ISO dateTime', () => {
    const v = { type: 'octet-string' as const, value: fromHex('07EA0B1C0605152900000000') };
    expect(dlmsValueToJson(v, true)).toEqual({
      type: 'octet-string',
      hex: '07EA0B1C0605152900000000',
      dateTime: '2026-11-28T05:21:41.000Z',
    });
  });

  it('round-trips through JSON text for values without date/time/float types', () => {
    const plain = valueArb.filter(
      (v) =>
        !/"type":"(date|time|date-time|float32|float64)"/.test(JSON.stringify(dlmsValueToJson(v))),
    );
    fc.assert(
      fc.property(plain, (v) => {
        const text = JSON.stringify(dlmsValueToJson(v));
        expect(dlmsValueFromJson(JSON.parse(text))).toEqual(v);
      }),
      { numRuns: 200, seed: 9 },
    );
  });

  it('bad input names the JSON path', () => {
    expect(() =>
      dlmsValueFromJson({ type: 'structure', items: [{ type: 'unsigned', value: 'x' }] }),
    ).toThrow('value $.items[0]: "value" must be an integer, got "x"');
    expect(() => dlmsValueFromJson({ type: 'octet-string', hex: 'zz' })).toThrow(/not hex/);
    expect(() => dlmsValueFromJson(5)).toThrow(/must be an object/);
  });
});
