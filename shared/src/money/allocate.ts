/**
 * Splits `total` over lines in proportion to `weights` by the largest-remainder method: each
 * line gets its share rounded toward zero, then the units left over go one each to the lines
 * with the largest remainders (ties: the earlier line). The parts always sum to `total`.
 * A negative total is split as its magnitude and negated.
 *
 * @example allocate(100n, [1n, 1n, 1n]) // [34n, 33n, 33n]
 * @example allocate(-5n, [1n, 3n]) // [-1n, -4n]
 * @example allocate(10n, [0n, 0n]) // throws RangeError (weights sum to zero)
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  const weightSum = checkWeights(weights);
  const magnitude = total < 0n ? -total : total;
  const parts = weights.map((w) => (magnitude * w) / weightSum);
  const remainders = weights.map((w, index) => ({ index, rem: (magnitude * w) % weightSum }));
  let left = magnitude - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.rem === b.rem ? a.index - b.index : a.rem > b.rem ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return total < 0n ? parts.map((p) => -p) : parts;
}

function checkWeights(weights: readonly bigint[]): bigint {
  if (weights.length === 0) throw new RangeError('allocate: weights must not be empty');
  let sum = 0n;
  weights.forEach((w, i) => {
    if (w < 0n) throw new RangeError(`allocate: weight ${i} is negative (${w})`);
    sum += w;
  });
  if (sum === 0n) throw new RangeError('allocate: weights sum to zero, nothing to split by');
  return sum;
}
