import { createHash } from 'node:crypto';

/** Source of random bytes, injected wherever randomness is needed (seeded in tests). */
export type RandomSource = (byteCount: number) => Uint8Array;

/**
 * Deterministic PRNG (xoshiro128**, state from SHA-256 of the seed). Same seed, same bytes,
 * on every platform. Not for secrets: keys and tokens use `node:crypto` in the daemons.
 *
 * @example const random = createSeededRandom('sim-42');
 *   random(4) // Uint8Array [181, 62, 215, 148], on every run
 */
export function createSeededRandom(seed: number | string): RandomSource {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`createSeededRandom: seed must be finite, got ${seed}`);
  }
  const digest = createHash('sha256')
    .update(`${typeof seed}:${String(seed)}`)
    .digest();
  const s = new Uint32Array([
    digest.readUInt32LE(0),
    digest.readUInt32LE(4),
    digest.readUInt32LE(8),
    digest.readUInt32LE(12),
  ]);
  return (byteCount: number): Uint8Array => {
    if (!Number.isInteger(byteCount) || byteCount < 0) {
      throw new RangeError(`random source: byteCount must be an integer >= 0, got ${byteCount}`);
    }
    const out = new Uint8Array(byteCount);
    for (let i = 0; i < byteCount; i += 4) {
      const word = nextWord(s);
      for (let k = 0; k < 4 && i + k < byteCount; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return out;
  };
}

/** One xoshiro128** step over the 4-word state. */
function nextWord(s: Uint32Array): number {
  const s0 = s[0] ?? 0;
  const s1 = s[1] ?? 0;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  s[2] = (s[2] ?? 0) ^ s0;
  s[3] = (s[3] ?? 0) ^ s1;
  s[1] = s1 ^ (s[2] ?? 0);
  s[0] = s0 ^ (s[3] ?? 0);
  s[2] = (s[2] ?? 0) ^ t;
  s[3] = rotl(s[3] ?? 0, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Unbiased integer in `[min, maxInclusive]` (range up to 2^32) drawn from a random source.
 *
 * @example randomInt(createSeededRandom(1), 1, 6) // 1 (a die roll, the same every run)
 */
export function randomInt(random: RandomSource, min: number, maxInclusive: number): number {
  const span = maxInclusive - min + 1;
  if (!Number.isInteger(min) || !Number.isInteger(maxInclusive) || span < 1 || span > 2 ** 32) {
    throw new RangeError(
      `randomInt: need integers min <= max within 2^32, got ${min}..${maxInclusive}`,
    );
  }
  const limit = 2 ** 32 - (2 ** 32 % span);
  for (;;) {
    const b = random(4);
    const word =
      ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
    if (word < limit) return min + (word % span);
  }
}

/**
 * Uniform fraction in [0, 1) with 53 random bits, for simulations (never for money).
 *
 * @example randomFraction(createSeededRandom('load')) // 0.09049510813781658, every run
 */
export function randomFraction(random: RandomSource): number {
  const b = random(7);
  let value = (b[0] ?? 0) & 0x1f; // 5 bits + 6 × 8 bits = 53 bits
  for (let i = 1; i < 7; i++) value = value * 256 + (b[i] ?? 0);
  return value / 2 ** 53;
}
