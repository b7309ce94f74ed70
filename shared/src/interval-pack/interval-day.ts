import { INTERVAL_FLAG_BITS } from './quality-flags.js';

/** One meter-channel-day: a slot per interval of the local day, in time order. */
export interface IntervalDay {
  intervalSeconds: number;
  /** Energy per interval in Wh; 0 where the slot is missing. */
  valuesWh: Int32Array;
  /** Quality bits per interval (see INTERVAL_FLAG_BITS). */
  flags: Uint8Array;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Interval lengths a meter-channel-day can hold (each divides an hour). */
export const ALLOWED_INTERVAL_SECONDS: readonly number[] = [60, 300, 600, 900, 1800, 3600];

export function assertIntervalSeconds(intervalSeconds: number): void {
  if (!ALLOWED_INTERVAL_SECONDS.includes(intervalSeconds)) {
    throw new RangeError(
      `intervalSeconds must be one of ${ALLOWED_INTERVAL_SECONDS.join(', ')}, ` +
        `got ${intervalSeconds}`,
    );
  }
}

/**
 * Slots in a local day from its UTC bounds (23/24/25-hour days on DST changes).
 * Example: intervalCountForDay(0, 23 * 3600_000, 900) → 92; a 25-hour day → 100.
 */
export function intervalCountForDay(dayStartMs: number, dayEndMs: number, intervalSeconds: number) {
  assertIntervalSeconds(intervalSeconds);
  const lengthMs = dayEndMs - dayStartMs;
  const stepMs = intervalSeconds * 1000;
  if (!Number.isSafeInteger(lengthMs) || lengthMs <= 0 || lengthMs % stepMs !== 0) {
    throw new RangeError(
      `day ${dayStartMs}..${dayEndMs} is not a positive whole number ` +
        `of ${intervalSeconds} s intervals`,
    );
  }
  return lengthMs / stepMs;
}

/** A day with every slot missing. Example: emptyDay(96, 900).flags[0] → 1 (missing). */
export function emptyDay(count: number, intervalSeconds: number): IntervalDay {
  assertIntervalSeconds(intervalSeconds);
  if (!Number.isInteger(count) || count < 1 || count > 65535) {
    throw new RangeError(`interval count must be 1..65535, got ${count}`);
  }
  return {
    intervalSeconds,
    valuesWh: new Int32Array(count),
    flags: new Uint8Array(count).fill(INTERVAL_FLAG_BITS.missing),
  };
}

/**
 * Slot index of an interval start inside the day.
 * Example: intervalIndex(1000_000, 1000_000 + 1800_000, 900) → 2.
 */
export function intervalIndex(
  dayStartMs: number,
  intervalStartMs: number,
  intervalSeconds: number,
  count: number,
): number {
  const offsetMs = intervalStartMs - dayStartMs;
  const stepMs = intervalSeconds * 1000;
  if (offsetMs % stepMs !== 0) {
    throw new RangeError(
      `interval start ${intervalStartMs} is not aligned to ${intervalSeconds} s ` +
        `from day start ${dayStartMs}`,
    );
  }
  const index = offsetMs / stepMs;
  if (index < 0 || index >= count) {
    throw new RangeError(
      `interval start ${intervalStartMs} is outside the day starting ${dayStartMs} ` +
        `(${count} slots)`,
    );
  }
  return index;
}

/** Sum of the non-missing slots in Wh. Example: values [5, 0, 7] flags [0, 1, 2] → 12. */
export function dayTotalWh(day: IntervalDay): number {
  let total = 0;
  day.valuesWh.forEach((value, index) => {
    if ((day.flags[index]! & INTERVAL_FLAG_BITS.missing) === 0) total += value;
  });
  return total;
}
