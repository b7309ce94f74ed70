import { describe, expect, it } from 'vitest';
import { currencyExponent, knownCurrencyCodes } from './currency.js';
import { PRICE_SCALE } from './price.js';

describe('currencyExponent', () => {
  it.each([
    ['USD', 2], ['CNY', 2], ['EUR', 2], ['GBP', 2], ['INR', 2], ['KES', 2], ['NGN', 2],
    ['JPY', 0], ['KRW', 0], ['XOF', 0], ['CLP', 0],
    ['KWD', 3], ['BHD', 3], ['JOD', 3], ['TND', 3],
    ['CLF', 4],
  ] as const)('%s has %i decimal places', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it.each(['usd', 'XAU', 'ABC', '', 'US'])('rejects %j and names it', (code) => {
    expect(() => currencyExponent(code)).toThrow(`currency code "${code}"`);
  });

  it('lists codes that are three upper-case letters, each once', () => {
    const codes = knownCurrencyCodes();
    expect(codes.length).toBeGreaterThan(150);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[A-Z]{3}$/);
  });

  it('every code is one ICU (Intl) lists, except ISO fund codes and VED (added 2021)', () => {
    const icu = new Set(Intl.supportedValuesOf('currency'));
    const unknown = knownCurrencyCodes().filter((c) => !icu.has(c));
    const funds = ['BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW'];
    expect(unknown.filter((c) => c !== 'VED')).toEqual(funds);
  });

  it('prices use six decimal places', () => {
    expect(PRICE_SCALE).toBe(6);
  });
});
