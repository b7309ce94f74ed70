/**
 * Bench helper: interval blocks as the gateway builds them (the same `IntervalBlockBuilder`
 * and block id as `edge/src/engine`): per 15-minute cycle one rated interval and one register
 * read per meter, each account's balance movement, at most 5,000 rows (or `rowsPerBlock`) per
 * block, packed (`packIntervalBlock`) as the gateway's outbox holds them.
 */
import {
  IntervalBlockBuilder,
  type IntervalBlockPackedWire,
  intervalBlockId,
  MAX_BLOCK_ROWS,
  packIntervalBlock,
} from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import type { Store } from '../central/src/store/index.js';
import { accountIdOf, meterIdOf } from './central-seed.js';

export const Q_MS = 900_000;

export interface WireBlock {
  eventId: string;
  occurredAtMs: number;
  /** Packed, as the gateway's outbox holds it. */
  body: IntervalBlockPackedWire;
  intervals: number;
}

/** Energy and amount of reading k (meter k % meters, cycle ⌊k / meters⌋): small integers. */
const whOf = (k: number) => 100 + (k % 50);
const minorOf = (k: number) => BigInt(2 + (k % 5));

/**
 * Blocks for readings `from .. from + n − 1` (reading k = meter k % meters in cycle
 * ⌊k / meters⌋ after `day0Ms`), in arrival order, at most `rowsPerBlock` intervals (and as
 * many reads) each: the gateway writes one block per poll cycle, so `rowsPerBlock = meters`
 * is what a gateway of that many meters sends.
 * Example: buildBlocks('gw', 1000, T, 0, 3000, true, 1000) → 3 blocks of 1,000 rows.
 */
export function buildBlocks(
  gatewayId: string,
  meters: number,
  day0Ms: number,
  from: number,
  n: number,
  rated = true,
  rowsPerBlock = MAX_BLOCK_ROWS,
): WireBlock[] {
  const out: WireBlock[] = [];
  const b = new IntervalBlockBuilder('KES');
  let rows = 0;
  const flush = () => {
    rows = 0;
    if (b.empty) return;
    const columns = b.take();
    const last = columns.intervals.startMs[columns.intervals.startMs.length - 1] ?? day0Ms;
    out.push({
      eventId: intervalBlockId(gatewayId, columns),
      occurredAtMs: last + Q_MS,
      body: packIntervalBlock(columns),
      intervals: columns.intervals.meter.length,
    });
  };
  for (let k = from; k < from + n; k += 1) {
    if (b.full || rows >= rowsPerBlock) flush();
    rows += 1;
    const i = k % meters;
    const startMs = day0Ms + Math.floor(k / meters) * Q_MS;
    const amountMinor = minorOf(k);
    b.addInterval({
      meterId: meterIdOf(i),
      startMs,
      seconds: 900,
      energyWh: whOf(k),
      quality: 0,
      ...(rated
        ? {
            charge: {
              accountId: accountIdOf(i),
              tariffVersionId: 'tv-1',
              amountMinor,
              priceSource: 'tariff' as const,
            },
          }
        : {}),
    });
    b.addRead({
      meterId: meterIdOf(i),
      register: 'importWh',
      capturedAtMs: startMs + Q_MS,
      valueWh: 1000 + k,
      quality: 0,
    });
    if (rated) b.noteBalance(accountIdOf(i), -amountMinor, -amountMinor);
  }
  flush();
  return out;
}

/** The charge id central derives for reading k (for checks). */
export function chargeIdOf(meters: number, day0Ms: number, k: number): string {
  return chargeId(meterIdOf(k % meters), day0Ms + Math.floor(k / meters) * Q_MS, 'tv-1');
}

/**
 * Throws unless central's customer receivables sum to the amounts of readings 0 .. n − 1
 * (every reading charged once, none twice). Example: n = 3 → 2 + 3 + 4 = 9 minor units.
 */
export async function checkReceivables(store: Store, readings: number): Promise<void> {
  const rows = await store.db
    .selectFrom('ledger_balances')
    .select('balance_minor')
    .where('ledger_account', 'like', 'receivable:%')
    .execute();
  const stored = rows.reduce((sum, r) => sum + BigInt(r.balance_minor), 0n);
  let expected = 0n;
  for (let k = 0; k < readings; k += 1) expected += minorOf(k);
  if (stored !== expected) throw new Error(`receivables ${stored}, expected ${expected}`);
}
