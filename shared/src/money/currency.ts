/**
 * ISO 4217 minor-unit exponents (list one, active codes). Codes absent from `EXPONENT_NOT_2`
 * have exponent 2. Funds/precious-metal codes without a minor unit (XAU, XDR, ...) are rejected.
 * Source: ISO 4217 list one as published by SIX (Amendment 178 level), see docs/conventions.md.
 */
const EXPONENT_NOT_2: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const EXPONENT_2 = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP ' +
  'BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR ' +
  'FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR ' +
  'KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR ' +
  'MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK ' +
  'SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN ' +
  'UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL'
).split(' ');

const EXPONENTS: ReadonlyMap<string, number> = new Map<string, number>([
  ...EXPONENT_2.map((code): [string, number] => [code, 2]),
  ...Object.entries(EXPONENT_NOT_2),
]);

/**
 * Number of minor-unit decimal places of an ISO 4217 currency.
 *
 * @example currencyExponent('USD') // 2
 * @example currencyExponent('JPY') // 0
 * @example currencyExponent('KWD') // 3
 * @example currencyExponent('usd') // throws RangeError (codes are upper case)
 */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) {
    throw new RangeError(
      `currency code "${code}": not an ISO 4217 currency with a minor unit ` +
        '(use an upper-case active code such as USD, CNY, JPY, KWD)',
    );
  }
  return exponent;
}

/** All known currency codes, sorted (for validation messages and UIs). */
export function knownCurrencyCodes(): string[] {
  return [...EXPONENTS.keys()].sort();
}
