import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalParseError, formatDecimal, parseDecimal } from './decimal.js';

describe('parseDecimal / formatDecimal', () => {
  it.each([
    ['771.78', 2, 77178n],
    ['-0.5', 6, -500000n],
    ['+3', 2, 300n],
    ['0.31868', 6, 318680n],
    ['000123', 0, 123n],
    ['-0', 2, 0n],
    ['99999999999999999999.99', 2, 9999999999999999999999n],
  ] as const)('parseDecimal(%s, %s) = %s', (text, scale, expected) => {
    expect(parseDecimal(text, scale)).toBe(expected);
  });

  it.each([
    [-5n, 2, '-0.05'],
    [77178n, 2, '771.78'],
    [42n, 0, '42'],
    [0n, 3, '0.000'],
    [-123456n, 3, '-123.456'],
  ] as const)('formatDecimal(%s, %s) = %s', (value, scale, expected) => {
    expect(formatDecimal(value, scale)).toBe(expected);
  });

  it('round-trips every value at every scale', () => {
    const values = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
    fc.assert(
      fc.property(values, fc.nat(18), (value, scale) => {
        const text = formatDecimal(value, scale);
        expect(parseDecimal(text, scale)).toBe(value);
        expect(text).toMatch(scale === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${scale}}$`));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts fewer places than the scale (pads) and keeps value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat(6), (v, extra) => {
        expect(parseDecimal(formatDecimal(v, 2), 2 + extra)).toBe(v * 10n ** BigInt(extra));
      }),
    );
  });

  it.each([
    ['1.005', 2, /price: cannot read "1.005" as a decimal: 3 decimal places, at most 2/],
    ['', 2, /price: cannot read "" as a decimal: empty/],
    [' 1.00', 2, /leading or trailing spaces/],
    ['1e3', 2, /"1e3".*exponent notation/],
    ['1,000.00', 2, /"1,000.00".*commas/],
    ['1.', 2, /"1\."/],
    ['.5', 2, /"\.5"/],
    ['abc', 2, /"abc"/],
    ['0x10', 2, /"0x10"/],
    ['NaN', 2, /"NaN"/],
  ] as const)('rejects %j with a message naming it', (text, scale, message) => {
    let caught: unknown;
    try {
      parseDecimal(text, scale, 'price');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DecimalParseError);
    expect((caught as DecimalParseError).message).toMatch(message);
    expect((caught as DecimalParseError).text).toBe(text);
    expect((caught as DecimalParseError).what).toBe('price');
  });

  it('any text containing a non-decimal character is rejected and named', () => {
    const junk = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => !/^[+-]?\d+(\.\d+)?$/.test(s));
    fc.assert(
      fc.property(junk, (text) => {
        expect(() => parseDecimal(text, 6, 'amount')).toThrow(DecimalParseError);
        expect(() => parseDecimal(text, 6, 'amount')).toThrow(
          `amount: cannot read "${text}"`,
        );
      }),
    );
  });

  it('rejects bad scales', () => {
    expect(() => parseDecimal('1', -1, 'qty')).toThrow(/qty scale: .* got -1/);
    expect(() => formatDecimal(1n, 31)).toThrow(/formatDecimal scale/);
  });
});
