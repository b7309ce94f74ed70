import { z } from 'zod';
import { ALLOWED_INTERVAL_SECONDS } from '../interval-pack/index.js';
import { BlockPackingError, packBlockColumns, unpackBlockColumns } from './block-packing.js';
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

const tablesShape = {
  meterIds: idTable,
  accountIds: idTable,
  tariffVersionIds: idTable,
  registers: z.array(z.string().min(1).max(64)).max(64),
  currency: currencyCodeSchema,
};

/** The columns as JSON arrays (what gateways sent before the packed form; still accepted). */
const columnsBodySchema = z.strictObject({
  ...tablesShape,
  intervals: intervalColumnsSchema,
  reads: readColumnsSchema,
  balances: balanceColumnsSchema,
});

/** Base64 of at most this many characters (a 5,000-row block packs to about 100 kB). */
const MAX_PACKED_CHARS = 2_000_000;

/** The columns packed (`block-packing.ts`), base64: what the gateway sends. */
const packedBodySchema = z.strictObject({
  ...tablesShape,
  packed: z.string().max(MAX_PACKED_CHARS),
});

type ColumnsBody = z.output<typeof columnsBodySchema>;
type PackedBody = z.output<typeof packedBodySchema>;

/** A block body as a gateway builds it, before packing. */
export type IntervalBlockColumnsWire = z.input<typeof columnsBodySchema>;
/** A block body as a gateway sends it. */
export type IntervalBlockPackedWire = z.input<typeof packedBodySchema>;
/** Either wire form. */
export type IntervalBlockWire = IntervalBlockColumnsWire | IntervalBlockPackedWire;

/**
 * A parsed block: the tables, the columns, and their canonical packed bytes (`packed`, what
 * central hashes; for a packed body the bytes as sent) with the offset of the read rows.
 */
export type IntervalBlockBody = ColumnsBody & { packed: Uint8Array; readsAt: number };

/**
 * One poll cycle (or a chunk of ≤ 5,000 rows of it) in columnar form: the `interval-block`
 * upstream event, sent packed (`{ …tables, packed: '<base64>' }`) or, from older gateways, as
 * JSON columns. Envelope fields are parsed by zod; the columns by one linear check that
 * names the row and field of the first bad value, e.g.
 * 'intervals.energyWh.17: row 17: energyWh must be a safe integer, got 1.5'; bad packed
 * bytes by the unpacker, e.g. 'packed: packed byte 912 (reads row 3): the bytes end inside a
 * value'. Both forms parse to the same columns and the same `packed` bytes.
 *
 * @example
 * { meterIds: ['m1'], accountIds: ['a1'], tariffVersionIds: ['tv-1'], registers: ['importWh'],
 *   currency: 'KES',
 *   intervals: { meter: [0], startMs: [1767224700000], seconds: [900], energyWh: [412],
 *     quality: [0], account: [0], tariffVersion: [0], amountMinor: ['8'], priceSource: [0] },
 *   reads: { meter: [0], register: [0], capturedAtMs: [1767225600000], valueWh: [10412],
 *     quality: [0] },
 *   balances: { account: [0], amountMinor: ['-8'], balanceAfterMinor: ['992'] } }
 * // packed, the same block: { meterIds: ['m1'], …, currency: 'KES', packed: 'AQEBAQ…' }
 */
export const intervalBlockBodySchema = z.unknown().transform((v, ctx): IntervalBlockBody => {
  const parsed = isPackedBlockWire(v)
    ? packedBodySchema.safeParse(v)
    : columnsBodySchema.safeParse(v);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
    return z.NEVER;
  }
  const data = parsed.data;
  const unpacked = 'packed' in data ? unpackBody(data, ctx) : null;
  const columns = unpacked ?? ('packed' in data ? null : data);
  if (columns === null) return z.NEVER;
  const issues = checkBlockColumns(columns, ALLOWED_INTERVAL_SECONDS);
  for (const issue of issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
  if (issues.length > 0) return z.NEVER;
  return unpacked ?? { ...columns, ...packBlockColumns(columns) };
}) as unknown as z.ZodType<IntervalBlockBody, IntervalBlockWire>;

type Ctx = z.core.$RefinementCtx;

/**
 * True when a block body on the wire is the packed form (it has a `packed` field); else it is
 * read as JSON columns. Example: isPackedBlockWire({ packed: 'AQ==' }) → true.
 */
export function isPackedBlockWire(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'packed' in body;
}

function unpackBody(body: PackedBody, ctx: Ctx): IntervalBlockBody | null {
  const bytes = fromBase64(body.packed);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', path: ['packed'], message: 'packed must be base64' });
    return null;
  }
  try {
    const { intervals, reads, balances, readsAt } = unpackBlockColumns(bytes);
    const { packed: _, ...tables } = body;
    return { ...tables, intervals, reads, balances, packed: bytes, readsAt };
  } catch (error) {
    if (!(error instanceof BlockPackingError)) throw error;
    ctx.addIssue({ code: 'custom', path: ['packed'], message: error.message });
    return null;
  }
}

/**
 * Padded base64 to bytes; null when it is not: Node skips characters outside the alphabet, so
 * any such character leaves fewer bytes than the length promises (a regex test cost more).
 */
function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const b = Buffer.from(text, 'base64');
  if (b.length !== (text.length / 4) * 3 - pad) return null;
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * The packed wire form of a block built as columns: the same tables, the columns packed.
 * @example
 * packIntervalBlock({ meterIds: ['m1'], …, intervals: {…}, reads: {…}, balances: {…} })
 * // → { meterIds: ['m1'], …, currency: 'KES', packed: 'AQEBAQ…' }
 */
export function packIntervalBlock(body: IntervalBlockColumnsWire): IntervalBlockPackedWire {
  const { intervals, reads, balances, ...tables } = body;
  const { packed } = packBlockColumns({ intervals, reads, balances });
  return { ...tables, packed: Buffer.from(packed).toString('base64') };
}
