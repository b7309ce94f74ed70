import type { RandomSource } from './random-source.js';
import { formatUuidHex } from './uuid-format.js';

const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
const COUNTER_LIMIT = 1n << 74n;
const RAND_B_MASK = (1n << 62n) - 1n;

/**
 * Time-ordered UUIDv7 generator (RFC 9562 §5.7) from an injected clock and random source.
 * Ids from one generator sort (as strings) strictly in creation order: within a millisecond,
 * or when the wall clock steps back, the 74 random bits are incremented as a counter
 * (RFC 9562 §6.2 method 2) and the timestamp is never allowed to go backwards.
 *
 * @example const next = createUuidV7({ wallMs: () => 1645557742000 }, random);
 *   next() // '017f22e2-79b0-7cc3-98c4-dc0c0c07398f' when random gives the RFC's bytes
 */
export function createUuidV7(clock: { wallMs(): number }, random: RandomSource): () => string {
  let lastMs = -1;
  let counter = 0n;
  return () => {
    const nowMs = Math.floor(clock.wallMs());
    if (!(nowMs >= 0 && nowMs <= MAX_TIMESTAMP_MS)) {
      throw new RangeError(`createUuidV7: wall clock ${nowMs} ms is outside 0..2^48-1`);
    }
    if (nowMs > lastMs) {
      lastMs = nowMs;
      counter = randomCounter(random);
    } else {
      counter += 1n;
      if (counter >= COUNTER_LIMIT) {
        lastMs += 1;
        counter = randomCounter(random);
      }
    }
    return formatUuid(
      (BigInt(lastMs) << 80n) |
        (7n << 76n) |
        ((counter >> 62n) << 64n) |
        (2n << 62n) |
        (counter & RAND_B_MASK),
    );
  };
}

/** 74 random bits: 12 for rand_a, 62 for rand_b. */
function randomCounter(random: RandomSource): bigint {
  const bytes = random(10);
  if (bytes.length < 10) throw new RangeError('createUuidV7: random source returned too few bytes');
  let randB = 0n;
  for (let i = 2; i < 10; i++) randB = (randB << 8n) | BigInt(bytes[i] ?? 0);
  const randA = BigInt((((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)) & 0x0fff);
  return (randA << 62n) | (randB & RAND_B_MASK);
}

function formatUuid(value: bigint): string {
  return formatUuidHex(value.toString(16).padStart(32, '0'));
}

/**
 * Millisecond timestamp of a UUIDv7.
 *
 * @example uuidV7TimestampMs('017f22e2-79b0-7cc3-98c4-dc0c0c07398f') // 1645557742000
 */
export function uuidV7TimestampMs(id: string): number {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) {
    throw new RangeError(`uuidV7TimestampMs: "${id}" is not a lower-case UUIDv7`);
  }
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
