import type { RoundingRule } from '../money/index.js';
import { divRound } from '../money/index.js';

/** An exact fraction n/d with d > 0, used for prorated and proportional amounts. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

export const ZERO: Rational = { n: 0n, d: 1n };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/** `rat(6n, 4n)` → `{ n: 3n, d: 2n }`. */
export function rat(n: bigint, d = 1n): Rational {
  if (d === 1n) return { n, d };
  if (d === 0n) throw new RangeError('rational with zero denominator');
  const sign = d < 0n ? -1n : 1n;
  const g = gcd(n, d);
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export function add(a: Rational, b: Rational): Rational {
  if (a.d === 1n && b.d === 1n) return { n: a.n + b.n, d: 1n };
  if (a.d === b.d) return rat(a.n + b.n, a.d);
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return add(a, { n: -b.n, d: b.d });
}

export function mul(a: Rational, b: Rational): Rational {
  if (a.d === 1n && b.d === 1n) return { n: a.n * b.n, d: 1n };
  return rat(a.n * b.n, a.d * b.d);
}

export function neg(a: Rational): Rational {
  return { n: -a.n, d: a.d };
}

export function cmp(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function min(a: Rational, b: Rational): Rational {
  return cmp(a, b) <= 0 ? a : b;
}

export function max(a: Rational, b: Rational): Rational {
  return cmp(a, b) >= 0 ? a : b;
}

export function sum(values: readonly Rational[]): Rational {
  let acc = ZERO;
  for (const v of values) acc = add(acc, v);
  return acc;
}

const POW10: bigint[] = Array.from({ length: 40 }, (_, k) => 10n ** BigInt(k));

/** `pow10(3)` → 1000n (a table below 10^40, computed above). */
function pow10(k: number): bigint {
  return POW10[k] ?? 10n ** BigInt(k);
}

/**
 * Rounds `value × 10^toScale / 10^fromScale` once:
 * `roundTo(rat(58805n, 1000n), 0, 2, 'half-up')` → 5881n.
 */
export function roundTo(
  value: Rational,
  fromScale: number,
  toScale: number,
  rule: RoundingRule,
): bigint {
  const up = toScale >= fromScale ? pow10(toScale - fromScale) : 1n;
  const down = fromScale > toScale ? pow10(fromScale - toScale) : 1n;
  return divRound(value.n * up, value.d * down, rule);
}
