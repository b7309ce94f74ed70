import type { RandomSource } from './random-source.js';

const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
const TWO_32 = 2 ** 32;

/** The 74 bits after the timestamp: rand_a (12), then rand_b as 30 high + 32 low bits. */
interface Counter {
  randA: number;
  randBHigh: number;
  randBLow: number;
}

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
  let counter: Counter = { randA: 0, randBHigh: 0, randBLow: 0 };
  return () => {
    const nowMs = Math.floor(clock.wallMs());
    if (!(nowMs >= 0 && nowMs <= MAX_TIMESTAMP_MS)) {
      throw new RangeError(`createUuidV7: wall clock ${nowMs} ms is outside 0..2^48-1`);
    }
    if (nowMs > lastMs) {
      lastMs = nowMs;
      counter = randomCounter(random);
    } else if (!increment(counter)) {
      lastMs += 1;
      counter = randomCounter(random);
    }
    return format(lastMs, counter);
  };
}

/** Adds one to the 74-bit counter; false when it wraps (all bits were 1). */
function increment(c: Counter): boolean {
  c.randBLow += 1;
  if (c.randBLow < TWO_32) return true;
  c.randBLow = 0;
  c.randBHigh += 1;
  if (c.randBHigh < 2 ** 30) return true;
  c.randBHigh = 0;
  c.randA += 1;
  return c.randA < 4096;
}

function randomCounter(random: RandomSource): Counter {
  const b = random(10);
  if (b.length < 10) throw new RangeError('createUuidV7: random source returned too few bytes');
  const word = (i: number): number =>
    (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>>
    0;
  return {
    randA: (((b[0] ?? 0) << 8) | (b[1] ?? 0)) & 0x0fff,
    randBHigh: word(2) & 0x3fffffff,
    randBLow: word(6),
  };
}

/** Formats from 16-bit groups: small-integer `toString(16)` is several times faster. */
function format(ms: number, c: Counter): string {
  const low = ms % TWO_32;
  const timeHigh = hex4(Math.floor(ms / TWO_32)) + hex4(Math.floor(low / 65536));
  return (
    `${timeHigh}-${hex4(low % 65536)}-${hex4(0x7000 | c.randA)}-` +
    `${hex4(0x8000 | (c.randBHigh >>> 16))}-${hex4(c.randBHigh & 0xffff)}` +
    `${hex4(Math.floor(c.randBLow / 65536))}${hex4(c.randBLow % 65536)}`
  );
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
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
