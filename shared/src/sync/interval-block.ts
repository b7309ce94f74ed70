import { z } from 'zod';
import { ALLOWED_INTERVAL_SECONDS } from '../interval-pack/index.js';
import { checkBlockColumns } from './interval-block-check.js';
import { currencyCodeSchema } from './primitives.js';

/** At most this many interval rows (and as many register reads) per block. */
export const MAX_BLOCK_ROWS = 5000;

/** `priceSource` codes in `intervals.priceSource` (-1: the row is not rated). */
export const PRICE_SOURCE_CODES = ['tariff', 'fallback'] as const;

/** A column of numbers; its elements are checked by `checkBlockColumns` (one linear pass). */
const numberColumn = z.custom<number[]>((v) => Array.isArray(v), 'expected an array of numbers');
/** A column of decimal integer strings (money in minor units), checked the same way. */
const textColumn = z.custom<string[]>((v) => Array.isArray(v), 'expected an array of strings');
/** An id table; its elements (ids like `objectIdSchema`) are checked by `checkBlockColumns`. */
const idTable = z.custom<string[]>(
  (v) => Array.isArray(v) && v.length <= MAX_BLOCK_ROWS,
  `expected an array of at most ${MAX_BLOCK_ROWS} ids`,
);

/**
 * Interval rows, one per (meter, interval start) on channel 0. A rated row names its account
 * and tariff version (indexes into the block's tables) and its amount; an unrated row has
 * account = tariffVersion = priceSource = -1 and amountMinor "0". The charge id is not sent:
 * both sides derive it, `chargeId(meterId, startMs, tariffVersionId)`.
 */
const intervalColumnsSchema = z.strictObject({
  meter: numberColumn,
  startMs: numberColumn,
  seconds: numberColumn,
  energyWh: numberColumn,
  quality: numberColumn,
  account: numberColumn,
  tariffVersion: numberColumn,
  amountMinor: textColumn,
  priceSource: numberColumn,
});

/** Cumulative register reads (what the per-fact `reading` event carried). */
const readColumnsSchema = z.strictObject({
  meter: numberColumn,
  register: numberColumn,
  capturedAtMs: numberColumn,
  valueWh: numberColumn,
  quality: numberColumn,
});

/**
 * Per account: the net balance change of the block's charges and the balance after them
 * (decimal integer strings, checked by `checkBlockColumns` like `intervals.amountMinor`).
 */
const balanceColumnsSchema = z.strictObject({
  account: numberColumn,
  amountMinor: textColumn,
  balanceAfterMinor: textColumn,
});

/**
 * One poll cycle (or a chunk of ≤ 5,000 rows of it) in columnar form: the `interval-block`
 * upstream event. Envelope fields are parsed by zod; the columns by one linear check that
 * names the row and field of the first bad value, e.g.
 * 'intervals.energyWh.17: row 17: energyWh must be a safe integer, got 1.5'.
 *
 * @example
 * { meterIds: ['m1'], accountIds: ['a1'], tariffVersionIds: ['tv-1'], registers: ['importWh'],
 *   currency: 'KES',
 *   intervals: { meter: [0], startMs: [1767224700000], seconds: [900], energyWh: [412],
 *     quality: [0], account: [0], tariffVersion: [0], amountMinor: ['8'], priceSource: [0] },
 *   reads: { meter: [0], register: [0], capturedAtMs: [1767225600000], valueWh: [10412],
 *     quality: [0] },
 *   balances: { account: [0], amountMinor: ['-8'], balanceAfterMinor: ['992'] } }
 */
export const intervalBlockBodySchema = z
  .strictObject({
    meterIds: idTable,
    accountIds: idTable,
    tariffVersionIds: idTable,
    registers: z.array(z.string().min(1).max(64)).max(64),
    currency: currencyCodeSchema,
    intervals: intervalColumnsSchema,
    reads: readColumnsSchema,
    balances: balanceColumnsSchema,
  })
  .superRefine((body, ctx) => {
    for (const issue of checkBlockColumns(body, ALLOWED_INTERVAL_SECONDS)) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export type IntervalBlockBody = z.output<typeof intervalBlockBodySchema>;
export type IntervalBlockWire = z.input<typeof intervalBlockBodySchema>;
