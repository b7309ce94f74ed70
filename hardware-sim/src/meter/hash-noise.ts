/**
 * Counter-based pseudo-random numbers: the value for (seed, stream, counter) is computed
 * directly, so a meter can be evaluated at any minute without replaying a sequence.
 * Pure and deterministic (no Math.random).
 */

/** FNV-1a 32-bit hash of a string. @example hashString('m-1') // 0x273835da */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Mixes integers into one uint32 (murmur3 finaliser per step).
 * @example mix32(1, 2, 3) // 71543878
 */
export function mix32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // mix the high bits of large counters (minutes since 1970 exceed 2^25)
    h = Math.imul(h ^ Math.floor(part / 0x100000000), 0x27d4eb2f);
  }
  return h >>> 0;
}

/** Uniform in [0, 1). @example unitNoise(1, 2, 3) // 0.016657607164233923 */
export function unitNoise(...parts: number[]): number {
  return mix32(...parts) / 0x100000000;
}
