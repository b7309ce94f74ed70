import { assertScale } from './rounding.js';

/** A decimal string that could not be read exactly; names what was parsed and the text. */
export class DecimalParseError extends Error {
  readonly text: string;
  readonly what: string;
  constructor(what: string, text: string, why: string) {
    super(`${what}: cannot read "${text}" as a decimal: ${why}`);
    this.name = 'DecimalParseError';
    this.text = text;
    this.what = what;
  }
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string exactly into an integer at `scale` places. No exponents, no
 * thousands separators, no silent rounding: more places than `scale` is an error.
 *
 * @example parseDecimal('771.78', 2) // 77178n
 * @example parseDecimal('-0.5', 6) // -500000n
 * @example parseDecimal('1.005', 2, 'price') // throws DecimalParseError
 *   'price: cannot read "1.005" as a decimal: 3 decimal places, at most 2 allowed'
 */
export function parseDecimal(text: string, scale: number, what = 'decimal'): bigint {
  assertScale(scale, `${what} scale`);
  const m = DECIMAL.exec(text);
  if (!m) throw new DecimalParseError(what, text, syntaxProblem(text));
  const sign = m[1] === '-' ? -1n : 1n;
  const whole = m[2] ?? '0';
  const fraction = m[3] ?? '';
  if (fraction.length > scale) {
    const why = `${fraction.length} decimal places, at most ${scale} allowed`;
    throw new DecimalParseError(what, text, why);
  }
  const digits = whole + fraction.padEnd(scale, '0');
  return sign * BigInt(digits);
}

function syntaxProblem(text: string): string {
  if (text.trim() === '') return 'empty';
  if (text !== text.trim()) return 'leading or trailing spaces';
  if (/[eE]/.test(text)) return 'exponent notation is not accepted';
  if (text.includes(',')) return 'commas are not accepted (use "." as decimal point, no grouping)';
  return 'expected digits with an optional sign and "." fraction, e.g. "-12.34"';
}

/**
 * Formats a fixed-point integer with exactly `scale` decimal places.
 *
 * @example formatDecimal(77178n, 2) // '771.78'
 * @example formatDecimal(-5n, 2) // '-0.05'
 * @example formatDecimal(42n, 0) // '42'
 */
export function formatDecimal(value: bigint, scale: number): string {
  assertScale(scale, 'formatDecimal scale');
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  const body = scale === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative ? `-${body}` : body;
}
