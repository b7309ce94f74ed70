/**
 * Named rounding rules for integer division. Every money rounding goes through one of these.
 *
 * - `half-up`: to nearest, halves away from zero (2.5 → 3, -2.5 → -3)
 * - `half-even`: to nearest, halves to the even neighbour (2.5 → 2, 3.5 → 4)
 * - `down`: toward zero (2.9 → 2, -2.9 → -2)
 * - `up`: away from zero (2.1 → 3, -2.1 → -3)
 */
export type RoundingRule = 'half-up' | 'half-even' | 'down' | 'up';

export const ROUNDING_RULES: readonly RoundingRule[] = ['half-up', 'half-even', 'down', 'up'];

/** Throws unless `rule` is one of the named rules (for rules read from documents). */
export function assertRoundingRule(rule: string, what = 'rounding rule'): RoundingRule {
  if ((ROUNDING_RULES as readonly string[]).includes(rule)) return rule as RoundingRule;
  const known = ROUNDING_RULES.join(', ');
  throw new RangeError(`${what}: unknown rounding rule "${rule}" (use ${known})`);
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/**
 * `num / den` rounded to an integer by `rule`; exact for any size.
 *
 * @example divRound(5n, 2n, 'half-up') // 3n
 * @example divRound(-5n, 2n, 'half-even') // -2n
 * @example divRound(7n, 3n, 'up') // 3n
 */
export function divRound(num: bigint, den: bigint, rule: RoundingRule): bigint {
  if (den === 0n) throw new RangeError(`divRound: division by zero (numerator ${num})`);
  const negative = num < 0n !== den < 0n;
  const n = abs(num);
  const d = abs(den);
  let q = n / d;
  const r = n % d;
  if (r !== 0n && roundsAway(rule, cmpTwice(2n * r, d), q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * `divRound` on safe integers (`den` > 0), for hot loops: the exact quotient from a float
 * division corrected by its remainder, then the same named rule on the magnitude (equal to
 * `divRound` for every safe input, a property test checks it).
 *
 * @example divRoundSafe(-125, 10, 'half-up') // -13 (as divRound(-125n, 10n, 'half-up'))
 */
export function divRoundSafe(num: number, den: number, rule: RoundingRule): number {
  const negative = num < 0;
  const n = negative ? -num : num;
  let q = Math.floor(n / den);
  let r = n - q * den;
  if (r < 0) {
    q -= 1;
    r += den;
  } else if (r >= den) {
    q += 1;
    r -= den;
  }
  if (r !== 0 && roundsAway(rule, cmpTwice(2 * r, den), q % 2 === 1)) q += 1;
  return negative ? -q : q;
}

/** −1, 0 or 1 as twice the remainder is below, at or above the divisor (a tie at 0). */
function cmpTwice<T extends number | bigint>(twiceRemainder: T, divisor: T): number {
  return twiceRemainder < divisor ? -1 : twiceRemainder > divisor ? 1 : 0;
}

/**
 * Whether a magnitude quotient with a non-zero remainder moves away from zero, from where
 * twice the remainder stands against the divisor (`half`) and whether the quotient is odd.
 */
function roundsAway(rule: RoundingRule, half: number, quotientOdd: boolean): boolean {
  switch (rule) {
    case 'down':
      return false;
    case 'up':
      return true;
    case 'half-up':
      return half >= 0;
    case 'half-even':
      return half > 0 || (half === 0 && quotientOdd);
    default:
      throw new RangeError(`divRound: unknown rounding rule "${String(rule)}"`);
  }
}

/**
 * Changes the decimal scale of a fixed-point integer, rounding by `rule` when places are dropped.
 *
 * @example rescale(12345n, 4, 2, 'half-up') // 123n (1.2345 → 1.23)
 * @example rescale(-125n, 2, 1, 'half-even') // -12n (-1.25 → -1.2)
 * @example rescale(7n, 0, 2, 'down') // 700n
 */
export function rescale(
  value: bigint,
  fromScale: number,
  toScale: number,
  rule: RoundingRule,
): bigint {
  assertScale(fromScale, 'rescale fromScale');
  assertScale(toScale, 'rescale toScale');
  if (toScale >= fromScale) return value * 10n ** BigInt(toScale - fromScale);
  return divRound(value, 10n ** BigInt(fromScale - toScale), rule);
}

/** Throws unless `scale` is an integer in 0..30. */
export function assertScale(scale: number, what = 'scale'): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 30) {
    throw new RangeError(`${what}: must be an integer from 0 to 30, got ${scale}`);
  }
}
