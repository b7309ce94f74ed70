import { divRound, divRoundSafe, type RoundingRule } from '@gridbill/shared/money';

/**
 * The running total of one rating state: kernel amounts in 1e-9 currency since the meter
 * started and the minor units already posted. Numbers while the total is a safe integer
 * (|total| < 2^53 nano, ≈ 9 million currency units), bigints beyond; decimal strings as read
 * from a checkpoint.
 */
export interface RunningTotal {
  totalNano: number | bigint | string;
  postedMinor: number | bigint | string;
}

const NANO_DIGITS = 9;

/**
 * Adds `amountNano` to the total and returns the minor units to post now: the total rounded
 * once with the version's rule minus what was posted, so the posted charges always sum to
 * the rounded total (no drift).
 *
 * @example
 * const t = { totalNano: 0, postedMinor: 0 };
 * postAmount(t, 125_000_000, 2, 'half-up') // → 13n (12.5 minor units, half-up)
 * postAmount(t, 125_000_000, 2, 'half-up') // → 12n (total 25 minor units; 13 were posted)
 */
export function postAmount(
  t: RunningTotal,
  amountNano: number,
  exponent: number,
  rule: RoundingRule,
): bigint {
  if (typeof t.totalNano === 'string') fromCheckpoint(t);
  if (typeof t.totalNano === 'number' && typeof t.postedMinor === 'number') {
    const total = t.totalNano + amountNano;
    const scale = NUMBER_SCALES[exponent];
    if (Number.isSafeInteger(total) && scale !== undefined) {
      const rounded = divRoundSafe(total, scale, rule);
      const amount = rounded - t.postedMinor;
      t.totalNano = total;
      t.postedMinor = rounded;
      return BigInt(amount);
    }
  }
  const total = BigInt(t.totalNano) + BigInt(amountNano);
  const rounded = divRound(total, 10n ** BigInt(NANO_DIGITS - exponent), rule);
  const amount = rounded - BigInt(t.postedMinor);
  t.totalNano = total;
  t.postedMinor = rounded;
  return amount;
}

/** 10^(9 − exponent) as a number, per exponent 0..9. */
const NUMBER_SCALES = Array.from({ length: NANO_DIGITS + 1 }, (_, e) => 10 ** (NANO_DIGITS - e));

/** A checkpoint's decimal strings as numbers when the total is safe, else bigints. */
function fromCheckpoint(t: RunningTotal): void {
  const total = BigInt(t.totalNano);
  const posted = BigInt(t.postedMinor);
  // exact: both are safe integers when the total is (|posted| ≤ |total| / scale + 1)
  const safe = total <= MAX_SAFE && total >= -MAX_SAFE;
  t.totalNano = safe ? Number(total) : total; // tidy:allow-number safe integer, exact
  t.postedMinor = safe ? Number(posted) : posted; // tidy:allow-number safe integer, exact
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
