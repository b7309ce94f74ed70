import { divRound, formatDecimal } from '../money/index.js';
import type { Rational } from './rational.js';

/**
 * Formats an exact quantity for display with at most `scale` places, half-up, without trailing
 * zeros: `formatQuantity({ n: 250000n, d: 1n }, 3)` of Wh-as-kWh → "250";
 * `formatQuantity({ n: 1n, d: 3n }, 4)` → "0.3333".
 */
export function formatQuantity(value: Rational, scale: number): string {
  const text = formatDecimal(divRound(value.n * 10n ** BigInt(scale), value.d, 'half-up'), scale);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Whole non-negative Wh (a safe integer) as kWh text, the same text as `kwhText` without a
 * bigint or a regular expression: `wholeWhKwhText(1500)` → "1.5", `wholeWhKwhText(7)` → "0.007".
 */
export function wholeWhKwhText(wh: number): string {
  const digits = String(wh).padStart(4, '0');
  let end = digits.length;
  while (end > digits.length - 3 && digits.charCodeAt(end - 1) === 48) end--;
  const whole = digits.slice(0, -3);
  return end === digits.length - 3 ? whole : `${whole}.${digits.slice(-3, end)}`;
}

/** Wh (exact) as kWh text: `kwhText({ n: 1500n, d: 1n })` → "1.5". */
export function kwhText(wh: Rational): string {
  if (wh.d === 1n) {
    const neg = wh.n < 0n;
    const digits = (neg ? -wh.n : wh.n).toString().padStart(4, '0');
    const text = `${digits.slice(0, -3)}.${digits.slice(-3)}`.replace(/\.?0+$/, '');
    return neg ? `-${text}` : text;
  }
  return formatQuantity({ n: wh.n, d: wh.d * 1000n }, 6);
}
