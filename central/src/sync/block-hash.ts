import { createHash } from 'node:crypto';
import {
  type EventParse,
  eventContentHash,
  type IntervalBlockBody,
  isPackedBlockWire,
} from '@gridbill/shared/sync';
import { blockTables } from './block-facts.js';

/** Tag opening the v2 hash input (a v1 input is canonical JSON starting '{"body":'). */
const V2_TAG = 'gridbill.interval-block.v2';
/** Tag opening the v3 hash input. */
const V3_TAG = 'gridbill.interval-block.v3';

interface HashedEvent {
  eventId: string;
  kind: string;
  occurredAtMs: number;
  clockTrusted: boolean;
  body: unknown;
}

/** A parsed interval block with its envelope (what v2 hashes). */
export interface ParsedBlock {
  eventId: string;
  kind: 'interval-block';
  occurredAtMs: number;
  clockTrusted: boolean;
  body: IntervalBlockBody;
}

/** Numeric columns of a block, in hash order. */
function numberColumns(b: IntervalBlockBody): readonly (readonly number[])[] {
  const i = b.intervals;
  const r = b.reads;
  return [
    i.meter,
    i.startMs,
    i.seconds,
    i.energyWh,
    i.quality,
    i.account,
    i.tariffVersion,
    i.priceSource,
    r.meter,
    r.register,
    r.capturedAtMs,
    r.valueWh,
    r.quality,
    b.balances.account,
  ];
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
/** Reused between calls (the hash is computed synchronously). */
let scratch = new Float64Array(16_384);

/**
 * Content hash v3 of a PARSED interval block: SHA-256 of one JSON array of its texts (tag,
 * envelope, currency, and the id of its id tables — the SHA-256 of their JSON, `blockTables`,
 * computed once per distinct set) followed by its canonical packed bytes (`block-packing.ts`:
 * equal columns ⇔ equal bytes). A packed block is hashed as it came; a block sent as JSON
 * columns was packed by the parse, so both forms of one block hash alike.
 * Example: the same block packed and as JSON columns → the same 64-hex hash.
 */
export function blockHashV3(e: ParsedBlock): string {
  const b = e.body;
  const tables = blockTables(b).id;
  const texts = [V3_TAG, e.eventId, e.kind, e.occurredAtMs, e.clockTrusted, b.currency, tables];
  return createHash('sha256').update(JSON.stringify(texts)).update(b.packed).digest('hex');
}

/**
 * Content hash v2 of a PARSED interval block: SHA-256 of one JSON array of its texts (tag,
 * envelope, currency, id tables, registers, the money columns, the column lengths) followed by
 * every numeric column as little-endian float64 bytes (−0 written as 0, as JSON writes it) — no
 * canonical JSON of the columns, no number-to-text conversion. Two parsed blocks have equal v2
 * hashes exactly when they have equal v1 (canonical JSON) hashes: same content.
 * Example: the same block from the wire and after `intervalBlockBodySchema.parse` → the same
 *   64-hex hash, different from its v1 `eventContentHash`.
 */
export function blockHashV2(e: ParsedBlock): string {
  const b = e.body;
  const columns = numberColumns(b);
  let total = 0;
  for (const c of columns) total += c.length;
  if (scratch.length < total) scratch = new Float64Array(total);
  let at = 0;
  for (const c of columns) at = copyColumn(c, at);
  const texts = [
    V2_TAG,
    e.eventId,
    e.kind,
    e.occurredAtMs,
    e.clockTrusted,
    b.currency,
    b.meterIds,
    b.accountIds,
    b.tariffVersionIds,
    b.registers,
    b.intervals.amountMinor,
    b.balances.amountMinor,
    b.balances.balanceAfterMinor,
    columns.map((c) => c.length),
  ];
  const h = createHash('sha256').update(JSON.stringify(texts));
  return h.update(floatBytes(at)).digest('hex');
}

/**
 * Copies a column into `scratch` from `at` (a plain loop: ~7× faster than
 * `Float64Array.prototype.set` from a JS array here); −0 is written as 0, as JSON writes it.
 * Returns the next free index.
 */
function copyColumn(c: readonly number[], at: number): number {
  const out = scratch;
  for (let i = 0; i < c.length; i += 1) {
    const v = c[i]!;
    out[at + i] = v === 0 ? 0 : v;
  }
  return at + c.length;
}

/** The first `n` scratch values as little-endian bytes. */
function floatBytes(n: number): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(scratch.buffer, 0, n * 8);
  const view = new DataView(new ArrayBuffer(n * 8));
  for (let i = 0; i < n; i += 1) view.setFloat64(i * 8, scratch[i]!, true);
  return new Uint8Array(view.buffer);
}

/**
 * The content hash central stores for an event now: v3 for an interval block that parsed,
 * else v1 (`eventContentHash`, canonical JSON) — e.g. a poison event.
 * Example: a parsed block → blockHashV3(block); an 'alarm' event → eventContentHash(event).
 */
export function ingestContentHash(loose: HashedEvent, parse?: EventParse): string {
  if (parse?.ok && parse.event.kind === 'interval-block') return blockHashV3(parse.event);
  return eventContentHash(loose);
}

/**
 * True when `stored` (a hash central stored at any time: v1 before blocks were hashed as v2,
 * v2 before v3, v3 since) is this event's content. The older hashes are computed only when
 * the v3 one differs.
 * Example: a block applied before the v3 change and resent → true (through v2); the same id
 *   with one amount changed → false.
 */
export function sameContent(loose: HashedEvent, parse: EventParse | undefined, stored: string) {
  const now = ingestContentHash(loose, parse);
  if (now === stored) return true;
  if (parse?.ok !== true || parse.event.kind !== 'interval-block') return false;
  return blockHashV2(parse.event) === stored || v1OfBlock(loose, parse.event) === stored;
}

/**
 * The v1 hash of a block as the gateway sent it before packing: canonical JSON of the event
 * with its JSON columns (a packed event is hashed with its columns, as it was sent then).
 */
function v1OfBlock(loose: HashedEvent, e: ParsedBlock): string {
  if (!isPackedBlockWire(loose.body)) return eventContentHash(loose);
  const { packed: _, readsAt: __, ...columns } = e.body;
  return eventContentHash({ ...loose, body: columns });
}
