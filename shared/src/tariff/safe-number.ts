/**
 * Converts an exact integer (a price in 1e-6 units or an energy in Wh) to a JS number for the
 * rating hot path, refusing anything that could lose precision: `safeNumber(23522n, 'rate')` →
 * 23522; `safeNumber(2n ** 60n, 'rate')` throws.
 */
export function safeNumber(value: bigint, what: string): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (value > limit || value < -limit) {
    throw new RangeError(`${what}: ${value} does not fit exactly in a JS number`);
  }
  return Number(value); // tidy:allow-number range checked above; energy and price units
}
