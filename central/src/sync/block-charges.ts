import {
  appendChargeRun,
  newChargeRun,
  PRICE_SOURCE_CODES,
  type UpstreamEvent,
} from '@gridbill/shared/sync';
import type { Kysely } from 'kysely';
import {
  type ChargeInput,
  type Group,
  lastStoredMs,
  loadDays,
  packGroup,
  type RowValues,
  type StoredDay,
  upsertDays,
} from './charge-days.js';
import { FreshCharges } from './fresh-charges.js';
import { type PendingWrites, writeOrDefer } from './pending-writes.js';
import { type DayGroup, groupByDay, IntervalColumns, ROW_REF } from './interval-rows.js';

type BlockEvent = Extract<UpstreamEvent, { kind: 'interval-block' }>;

/** Amounts of at most this many digits are exact as numbers (< 2^53). */
const SAFE_DIGITS = 15;

/** The rated rows of one meter-day across the batch's blocks. */
interface RowGroup {
  key: string;
  meterId: string;
  dayStartMs: number;
  refs: number[];
}

/** A block's rated row as a charge to store (the slow path), with its block index. */
export interface BlockCharge extends ChargeInput {
  block: number;
}

/**
 * Stores the rated rows of a batch's blocks once per charge id in `edge_charge_days` — the
 * same rows and bytes as `storeChargesOnce` of their `BlockCharge`s — and returns the fresh
 * charges' sums for the batch entry. The common meter-day (one account and currency, amounts
 * under 10^15, starts increasing after every stored one) is packed straight from the block
 * columns (`appendChargeRun`: no object or bigint per charge); any other goes through
 * `packGroup` with charge objects. Example: 37 blocks × 1,000 meters, one account each →
 * 1,000 runs of 37 charges, one upsert; the same blocks again → no fresh charge. With
 * `pending`, the upsert is left running there; `day` is the interval merge's grouping of the
 * batch when the caller has it.
 */
export async function storeBlockCharges(
  db: Kysely<unknown>,
  gatewayId: string,
  blocks: readonly BlockEvent[],
  pending?: PendingWrites,
  day: BatchDayGroups = blockDayGroups(blocks),
): Promise<FreshCharges> {
  const fresh = new FreshCharges();
  const groups = groupRows(blocks, day);
  if (groups.list.length === 0) return fresh;
  const stored = await loadDays(db, gatewayId, groups);
  const rows: RowValues[] = [];
  for (const group of groups.list) {
    const day = stored.get(group.key);
    if (packRun(gatewayId, blocks, group, day, rows, fresh)) continue;
    const charges = group.refs.map((ref) => chargeOf(blocks, ref));
    const slow: Group<BlockCharge> = { ...group, charges };
    for (const c of packGroup(gatewayId, day, slow, rows)) {
      fresh.add(c.currency, c.accountId, c.amountMinor, c.block, c.startMs + c.seconds * 1000);
    }
  }
  await writeOrDefer(upsertDays(db, rows), pending);
  return fresh;
}

/**
 * The batch's interval rows grouped per packed day row (`groupByDay`, what the interval merge
 * groups by too) and where the blocks' segments start (blocks are added last, in order).
 */
export interface BatchDayGroups {
  groups: readonly DayGroup[];
  firstBlockSegment: number;
}

/** `BatchDayGroups` of the blocks alone. */
function blockDayGroups(blocks: readonly BlockEvent[]): BatchDayGroups {
  const columns = new IntervalColumns();
  for (const b of blocks) columns.addBlock(b.body);
  return { groups: groupByDay(columns), firstBlockSegment: 0 };
}

/**
 * Rated block rows per meter-day (a charge day is the UTC day of the interval day rows, and
 * blocks are channel 0), as block row references in batch order, from the day groups.
 * Example: day group m1|0|D with rows of a per-fact segment and block 0 rows 3 (rated) and 5
 *   (unrated) → one group 'm1|D' with refs [0 * ROW_REF + 3].
 */
function groupRows(blocks: readonly BlockEvent[], day: BatchDayGroups) {
  const list: RowGroup[] = [];
  for (const g of day.groups) {
    if (g.channel !== 0) continue;
    const refs: number[] = [];
    for (const ref of g.rows) {
      const b = Math.floor(ref / ROW_REF) - day.firstBlockSegment;
      const i = ref % ROW_REF;
      if (b >= 0 && blocks[b]!.body.intervals.account[i]! >= 0) refs.push(b * ROW_REF + i);
    }
    if (refs.length === 0) continue;
    const { meterId, dayStartMs } = g;
    list.push({ key: `${meterId}|${dayStartMs}`, meterId, dayStartMs, refs });
  }
  return { list, keys: new Set(list.map((g) => g.key)) };
}

let run = newChargeRun(256);

/**
 * The fast path for one meter-day: fills the run from the block columns and packs it, or
 * returns false (nothing written) when the group needs the general path.
 */
function packRun(
  gatewayId: string,
  blocks: readonly BlockEvent[],
  group: RowGroup,
  day: StoredDay | undefined,
  rows: RowValues[],
  fresh: FreshCharges,
): boolean {
  const first = rowAt(blocks, group.refs[0]!);
  const accountId = first.body.accountIds[first.c.account[first.i]!]!;
  if (!fillRun(blocks, group, accountId, first.body.currency, lastStoredMs(day))) return false;
  const packed = appendChargeRun(group.dayStartMs, day?.get(accountId) ?? null, run);
  rows.push([gatewayId, BigInt(group.dayStartMs), group.meterId, accountId, packed]);
  fresh.addRun(run, accountId, group.refs, ROW_REF);
  return true;
}

/** Fills `run` with the group's rows; false unless every row fits the fast path. */
function fillRun(
  blocks: readonly BlockEvent[],
  group: RowGroup,
  accountId: string,
  currency: string,
  afterMs: number,
): boolean {
  const refs = group.refs;
  if (run.startMs.length < refs.length) run = newChargeRun(refs.length * 2);
  let lastMs = afterMs;
  for (let k = 0; k < refs.length; k += 1) {
    const ref = refs[k]!;
    const body = blocks[Math.floor(ref / ROW_REF)]!.body;
    const c = body.intervals;
    const i = ref % ROW_REF;
    const startMs = c.startMs[i]!;
    if (startMs <= lastMs || body.currency !== currency) return false;
    if (body.accountIds[c.account[i]!] !== accountId) return false;
    const amount = smallMinor(c.amountMinor[i]!);
    if (amount === null) return false;
    lastMs = startMs;
    run.startMs[k] = startMs;
    run.seconds[k] = c.seconds[i]!;
    run.energyWh[k] = c.energyWh[i]!;
    run.amountMinor[k] = amount;
    run.priceSource[k] = c.priceSource[i]!;
    run.tariffVersionIds[k] = body.tariffVersionIds[c.tariffVersion[i]!]!;
  }
  run.n = refs.length;
  run.currency = currency;
  return true;
}

function rowAt(blocks: readonly BlockEvent[], ref: number) {
  const body = blocks[Math.floor(ref / ROW_REF)]!.body;
  return { body, c: body.intervals, i: ref % ROW_REF };
}

/**
 * A checked decimal amount (`-?(0|[1-9][0-9]{0,17})`) of at most 15 digits as an exact
 * integer number, else null (the caller takes the bigint path). Digit by digit: no float
 * parse. Example: smallMinor('-120') → -120; smallMinor('1000000000000000') → null.
 */
export function smallMinor(text: string): number | null {
  const negative = text.charCodeAt(0) === 45;
  const from = negative ? 1 : 0;
  if (text.length - from > SAFE_DIGITS) return null;
  let v = 0;
  for (let k = from; k < text.length; k += 1) v = v * 10 + (text.charCodeAt(k) - 48);
  return negative ? -v : v;
}

/** The charge of one rated row (block index included), as `blockCharges` builds it. */
function chargeOf(blocks: readonly BlockEvent[], ref: number): BlockCharge {
  const { body: b, c, i } = rowAt(blocks, ref);
  return {
    meterId: b.meterIds[c.meter[i]!]!,
    accountId: b.accountIds[c.account[i]!]!,
    startMs: c.startMs[i]!,
    seconds: c.seconds[i]!,
    energyWh: c.energyWh[i]!,
    amountMinor: BigInt(c.amountMinor[i]!),
    tariffVersionId: b.tariffVersionIds[c.tariffVersion[i]!]!,
    currency: b.currency,
    priceSource: PRICE_SOURCE_CODES[c.priceSource[i]!] ?? 'tariff',
    block: Math.floor(ref / ROW_REF),
  };
}
