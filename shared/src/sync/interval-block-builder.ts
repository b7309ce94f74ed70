import { contentId } from '../ids/index.js';
import { IdTable } from './id-table.js';
import type { IntervalBlockColumnsWire } from './interval-block.js';
import { MAX_BLOCK_ROWS } from './interval-block.js';

export interface BlockCharge {
  accountId: string;
  tariffVersionId: string;
  amountMinor: bigint;
  priceSource: 'tariff' | 'fallback';
}

export interface BlockInterval {
  meterId: string;
  startMs: number;
  seconds: number;
  energyWh: number;
  quality: number;
  /** Absent when the interval was not rated (no tariff version in force, no account). */
  charge?: BlockCharge;
}

export interface BlockRead {
  meterId: string;
  register: string;
  capturedAtMs: number;
  valueWh: number;
  quality: number;
}

/**
 * Collects one cycle's intervals, charges, register reads and balance movements into
 * `interval-block` bodies (wire form: money as decimal strings), at most `MAX_BLOCK_ROWS`
 * intervals and reads per block. Pure: the caller decides when to `take()`.
 *
 * @example
 * const b = new IntervalBlockBuilder('KES');
 * b.addInterval({ meterId: 'm1', startMs: 0, seconds: 900, energyWh: 412, quality: 0,
 *   charge: { accountId: 'a1', tariffVersionId: 'tv-1', amountMinor: 8n,
 *     priceSource: 'tariff' } });
 * b.noteBalance('a1', -8n, 992n);
 * b.take() // → { meterIds: ['m1'], accountIds: ['a1'], …, balances: { account: [0],
 *          //      amountMinor: ['-8'], balanceAfterMinor: ['992'] } }
 */
export class IntervalBlockBuilder {
  private meters = new IdTable();
  private accounts = new IdTable();
  private versions = new IdTable();
  private registers = new IdTable();
  private iv = emptyIntervals();
  private rd = emptyReads();
  private balances = new Map<number, { deltaMinor: bigint; afterMinor: bigint }>();

  constructor(private readonly currency: string) {}

  /** True when another interval or read would pass the row cap: take() first. */
  get full(): boolean {
    return this.iv.meter.length >= MAX_BLOCK_ROWS || this.rd.meter.length >= MAX_BLOCK_ROWS;
  }

  get empty(): boolean {
    return this.iv.meter.length === 0 && this.rd.meter.length === 0;
  }

  addInterval(row: BlockInterval): void {
    const iv = this.iv;
    iv.meter.push(this.meters.of(row.meterId));
    iv.startMs.push(row.startMs);
    iv.seconds.push(row.seconds);
    iv.energyWh.push(row.energyWh);
    iv.quality.push(row.quality);
    const c = row.charge;
    iv.account.push(c ? this.accounts.of(c.accountId) : -1);
    iv.tariffVersion.push(c ? this.versions.of(c.tariffVersionId) : -1);
    iv.amountMinor.push(c ? c.amountMinor.toString() : '0');
    iv.priceSource.push(c ? (c.priceSource === 'tariff' ? 0 : 1) : -1);
  }

  addRead(read: BlockRead): void {
    this.rd.meter.push(this.meters.of(read.meterId));
    this.rd.register.push(this.registers.of(read.register));
    this.rd.capturedAtMs.push(read.capturedAtMs);
    this.rd.valueWh.push(read.valueWh);
    this.rd.quality.push(read.quality);
  }

  /** Adds `deltaMinor` to the account's movement in this block; `afterMinor` is the new balance. */
  noteBalance(accountId: string, deltaMinor: bigint, afterMinor: bigint): void {
    const a = this.accounts.of(accountId);
    const prior = this.balances.get(a);
    if (!prior) this.balances.set(a, { deltaMinor, afterMinor });
    else {
      prior.deltaMinor += deltaMinor;
      prior.afterMinor = afterMinor;
    }
  }

  /** The block so far (wire form), and a fresh builder state. */
  take(): IntervalBlockColumnsWire {
    const balances = {
      account: [] as number[],
      amountMinor: [] as string[],
      balanceAfterMinor: [] as string[],
    };
    for (const [account, b] of this.balances) {
      balances.account.push(account);
      balances.amountMinor.push(b.deltaMinor.toString());
      balances.balanceAfterMinor.push(b.afterMinor.toString());
    }
    const body: IntervalBlockColumnsWire = {
      meterIds: this.meters.ids,
      accountIds: this.accounts.ids,
      tariffVersionIds: this.versions.ids,
      registers: this.registers.ids,
      currency: this.currency,
      intervals: this.iv,
      reads: this.rd,
      balances,
    };
    this.reset();
    return body;
  }

  private reset(): void {
    this.meters = new IdTable();
    this.accounts = new IdTable();
    this.versions = new IdTable();
    this.registers = new IdTable();
    this.iv = emptyIntervals();
    this.rd = emptyReads();
    this.balances = new Map();
  }
}

function emptyIntervals() {
  return {
    meter: [] as number[],
    startMs: [] as number[],
    seconds: [] as number[],
    energyWh: [] as number[],
    quality: [] as number[],
    account: [] as number[],
    tariffVersion: [] as number[],
    amountMinor: [] as string[],
    priceSource: [] as number[],
  };
}

function emptyReads() {
  return {
    meter: [] as number[],
    register: [] as number[],
    capturedAtMs: [] as number[],
    valueWh: [] as number[],
    quality: [] as number[],
  };
}

/**
 * Deterministic event id of a block: gateway, row counts and the first and last keys of its
 * intervals and reads. A cycle replayed after a crash builds the same id; the same id with
 * other content is a divergence on central.
 * Example: intervalBlockId('gw-1', body) → '3f1c…-…-8…' (same for the same keys).
 */
export function intervalBlockId(gatewayId: string, body: IntervalBlockColumnsWire): string {
  const iv = body.intervals;
  const rd = body.reads;
  const n = iv.meter.length;
  const r = rd.meter.length;
  const meter = (i: number | undefined) => (i === undefined ? '' : (body.meterIds[i] ?? ''));
  return contentId(
    'gridbill.interval-block',
    gatewayId,
    n,
    r,
    meter(iv.meter[0]),
    iv.startMs[0] ?? -1,
    meter(iv.meter[n - 1]),
    iv.startMs[n - 1] ?? -1,
    meter(rd.meter[0]),
    rd.capturedAtMs[0] ?? -1,
    meter(rd.meter[r - 1]),
    rd.capturedAtMs[r - 1] ?? -1,
  );
}
