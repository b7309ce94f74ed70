/**
 * A stored integer that is a count, a status or epoch milliseconds (never money) as a JS
 * number; throws if it is not a safe integer.
 *
 * @example smallInt(1764316800000n) === 1764316800000
 */
export function smallInt(v: bigint | number): number {
  const n = typeof v === 'number' ? v : Number.parseInt(v.toString(), 10);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${v} is not a safe integer`);
  return n;
}
