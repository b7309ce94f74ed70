import { divRound } from '../money/index.js';
import { TariffError } from './tariff-error.js';

/**
 * The exact decimal text of a JSON number as JavaScript prints it, expanding exponents:
 * `jsonNumberText(0.078891)` → "0.078891"; `jsonNumberText(1e-7)` → "0.0000001".
 * No float arithmetic: the shortest round-trip text is shifted as a string.
 */
export function jsonNumberText(n: number, where: string): string {
  if (!Number.isFinite(n)) throw new TariffError(where, `expected a finite number, got ${n}`);
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const point = (m[2] ?? '').length + Number.parseInt(m[4] ?? '0', 10);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (m[1] ?? '') + body;
}

/**
 * Reads decimal text rounded half-up to `scale` places (for measured energy, never money):
 * `roundedDecimal('0.40864765644073486', 3)` → 409n (Wh from kWh).
 */
export function roundedDecimal(text: string, scale: number, where: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new TariffError(where, `"${text}" is not a decimal number`);
  const fraction = m[3] ?? '';
  const digits = BigInt((m[2] ?? '0') + fraction);
  const value =
    fraction.length <= scale
      ? digits * 10n ** BigInt(scale - fraction.length)
      : divRound(digits, 10n ** BigInt(fraction.length - scale), 'half-up');
  return m[1] === '-' ? -value : value;
}
