import {
  decodeIntervalDay,
  emptyDay,
  encodeIntervalDay,
  type IntervalDay,
  type IntervalUpdateColumns,
  intervalIndex,
  mergeIntervalColumns,
} from '@gridbill/shared/interval-pack';
import { CompiledQuery, type Kysely } from 'kysely';
import { type BulkValue, bulkInsert, usesDollarPlaceholders } from './bulk-insert.js';
import type { SyncTrx } from './sync-schema.js';

export const DAY_MS = 86_400_000;

/** One interval event body as ingested. */
export interface IntervalFact {
  meterId: string;
  channel: number;
  intervalStartMs: number;
  intervalSeconds: number;
  energyWh: number;
  qualityFlags: number;
}

/**
 * Intervals to merge as columns (the batch's interval events and block rows): no object per
 * interval. Example: add(f) then addBlock(body) → length 1 + body.intervals.meter.length.
 */
export class IntervalColumns {
  readonly meterId: string[] = [];
  readonly channel: number[] = [];
  readonly startMs: number[] = [];
  readonly seconds: number[] = [];
  readonly energyWh: number[] = [];
  readonly quality: number[] = [];

  get length(): number {
    return this.meterId.length;
  }

  add(f: IntervalFact): void {
    this.push(f.meterId, f.channel, f.intervalStartMs, f.intervalSeconds, f.energyWh);
    this.quality.push(f.qualityFlags);
  }

  /** A block's interval rows (channel 0). */
  addBlock(body: {
    meterIds: readonly string[];
    intervals: {
      meter: readonly number[];
      startMs: readonly number[];
      seconds: readonly number[];
      energyWh: readonly number[];
      quality: readonly number[];
    };
  }): void {
    const c = body.intervals;
    for (let i = 0; i < c.meter.length; i += 1) {
      this.push(body.meterIds[c.meter[i]!]!, 0, c.startMs[i]!, c.seconds[i]!, c.energyWh[i]!);
      this.quality.push(c.quality[i]!);
    }
  }

  /** Interval i as a fact (for reports). */
  fact(i: number): IntervalFact {
    return {
      meterId: this.meterId[i]!,
      channel: this.channel[i]!,
      intervalStartMs: this.startMs[i]!,
      intervalSeconds: this.seconds[i]!,
      energyWh: this.energyWh[i]!,
      qualityFlags: this.quality[i]!,
    };
  }

  private push(meterId: string, channel: number, startMs: number, seconds: number, wh: number) {
    this.meterId.push(meterId);
    this.channel.push(channel);
    this.startMs.push(startMs);
    this.seconds.push(seconds);
    this.energyWh.push(wh);
  }
}

/**
 * Key of the packed row: meter × channel × UTC day.
 * Example: ('m1', 0, 90000000) → 'm1|0|86400000'.
 */
export function dayKey(meterId: string, channel: number, intervalStartMs: number): string {
  const dayStartMs = Math.floor(intervalStartMs / DAY_MS) * DAY_MS;
  return `${meterId}|${channel}|${dayStartMs}`;
}

/** The intervals (indexes into the columns) of one packed row (meter × channel × UTC day). */
interface DayGroup {
  key: string;
  meterId: string;
  channel: number;
  dayStartMs: number;
  rows: number[];
}

/**
 * Groups intervals by packed row, in order of first appearance (nested maps: no key string
 * per interval). Example: intervals of m1 on days D and D+1 → two groups, keys 'm1|0|D',
 * 'm1|0|D+1'.
 */
export function groupByDay(c: IntervalColumns): DayGroup[] {
  const byMeter = new Map<string, Map<number, DayGroup>>();
  const list: DayGroup[] = [];
  for (let i = 0; i < c.length; i += 1) {
    const meterId = c.meterId[i]!;
    let days = byMeter.get(meterId);
    if (!days) {
      days = new Map();
      byMeter.set(meterId, days);
    }
    const startMs = c.startMs[i]!;
    const dayStartMs = Math.floor(startMs / DAY_MS) * DAY_MS;
    const channel = c.channel[i]!;
    const slot = dayStartMs + channel; // unique: days are 86,400,000 ms apart
    const group = days.get(slot);
    if (group) group.rows.push(i);
    else {
      const key = dayKey(meterId, channel, startMs);
      const created = { key, meterId, channel, dayStartMs, rows: [i] };
      days.set(slot, created);
      list.push(created);
    }
  }
  return list;
}

export interface MergeReport {
  rowsWritten: number;
  conflicts: { meterId: string; intervalStartMs: number; storedWh: number; incomingWh: number }[];
  /** Intervals whose length differs from the stored row's (quarantined by the caller). */
  mismatched: IntervalFact[];
}

/** Update columns reused between groups (filled, merged and dropped synchronously). */
let updates: IntervalUpdateColumns = newUpdates(128);

function newUpdates(capacity: number): IntervalUpdateColumns {
  return {
    n: 0,
    index: new Int32Array(capacity),
    valueWh: new Float64Array(capacity),
    flags: new Float64Array(capacity),
  };
}

/**
 * Merges intervals into their meter-channel-day rows (read, `mergeIntervalColumns`, upsert), so
 * a replay is a no-op and two different actual values are reported, never overwritten.
 * Days are UTC days (96 slots of 900 s).
 */
export async function mergeIntervalRows(
  trx: SyncTrx,
  facts: IntervalColumns,
): Promise<MergeReport> {
  const report: MergeReport = { rowsWritten: 0, conflicts: [], mismatched: [] };
  const groups = groupByDay(facts);
  const stored = await loadRows(trx, groups);
  const rows: BulkValue[][] = [];
  for (const group of groups) {
    const merged = mergeGroup(facts, group, stored.get(group.key), report);
    if (merged === null) continue;
    const { meterId, channel, dayStartMs } = group;
    const seconds = BigInt(merged.intervalSeconds);
    rows.push([meterId, BigInt(channel), BigInt(dayStartMs), seconds, encodeIntervalDay(merged)]);
  }
  await upsertRows(trx, rows);
  report.rowsWritten = rows.length;
  return report;
}

/**
 * One packed row: its intervals merged into the stored day (or an empty one); intervals of
 * another length than the row's go to `report.mismatched`, conflicts to `report.conflicts`.
 * Returns the day to write, or null when no slot was filled or upgraded.
 */
function mergeGroup(
  facts: IntervalColumns,
  group: DayGroup,
  prior: IntervalDay | undefined,
  report: MergeReport,
): IntervalDay | null {
  const { dayStartMs, rows } = group;
  const seconds = prior?.intervalSeconds ?? facts.seconds[rows[0]!]!;
  const day = prior ?? emptyDay(DAY_MS / 1000 / seconds, seconds);
  if (updates.index.length < rows.length) updates = newUpdates(rows.length * 2);
  let n = 0;
  for (const i of rows) {
    if (facts.seconds[i] !== seconds) {
      report.mismatched.push(facts.fact(i));
      continue;
    }
    const startMs = facts.startMs[i]!;
    updates.index[n] = intervalIndex(dayStartMs, startMs, seconds, day.flags.length);
    updates.valueWh[n] = facts.energyWh[i]!;
    updates.flags[n] = facts.quality[i]!;
    n += 1;
  }
  updates.n = n;
  const merged = mergeIntervalColumns(day, updates);
  for (const c of merged.conflicts) {
    const intervalStartMs = dayStartMs + c.index * seconds * 1000;
    report.conflicts.push({ meterId: group.meterId, intervalStartMs, ...pick(c) });
  }
  return merged.changed ? merged.day : null;
}

function pick(c: { storedWh: number; incomingWh: number }) {
  return { storedWh: c.storedWh, incomingWh: c.incomingWh };
}

const CHUNK = 400;
const COLUMNS = ['meter_id', 'channel', 'day_start_ms', 'interval_seconds', 'packed'] as const;
const UPSERT =
  'ON CONFLICT (meter_id, channel, day_start_ms) DO UPDATE SET packed = excluded.packed';

/** The stored rows of the groups: one raw select per 400 meters (all days of the request). */
async function loadRows(trx: SyncTrx, groups: readonly DayGroup[]) {
  const out = new Map<string, ReturnType<typeof decodeIntervalDay>>();
  const keys = new Set(groups.map((g) => g.key));
  const meters = [...new Set(groups.map((g) => g.meterId))];
  const days = [...new Set(groups.map((g) => g.dayStartMs))];
  const raw = trx as unknown as Kysely<unknown>;
  const dollar = usesDollarPlaceholders(raw);
  const mark = (n: number) => (dollar ? `$${n}` : '?');
  for (let i = 0; i < meters.length; i += CHUNK) {
    const chunk = meters.slice(i, i + CHUNK);
    const dayMarks = days.map((_, d) => mark(1 + d)).join(', ');
    const meterMarks = chunk.map((_, m) => mark(1 + days.length + m)).join(', ');
    const text =
      'select meter_id, channel, day_start_ms, packed from interval_days ' +
      `where day_start_ms in (${dayMarks}) and meter_id in (${meterMarks})`;
    const params = [...days.map(BigInt), ...chunk];
    const result = await raw.executeQuery<StoredRow>(CompiledQuery.raw(text, params));
    for (const r of result.rows) {
      const key = `${r.meter_id}|${r.channel}|${r.day_start_ms}`;
      if (keys.has(key)) out.set(key, decodeIntervalDay(new Uint8Array(r.packed)));
    }
  }
  return out;
}

interface StoredRow {
  meter_id: string;
  channel: bigint | number | string;
  day_start_ms: bigint | number | string;
  packed: Uint8Array;
}

/**
 * Multi-row upsert: SQLite one SQL text per 400 rows; PostgreSQL one
 * `insert … select * from unnest($1::text[], $2::int8[], …, $5::bytea[])`.
 */
async function upsertRows(trx: SyncTrx, rows: BulkValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const raw = trx as unknown as Kysely<unknown>;
  if (!usesDollarPlaceholders(raw)) {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await bulkInsert(raw, 'interval_days', COLUMNS, rows.slice(i, i + CHUNK), UPSERT);
    }
    return;
  }
  const columns = COLUMNS.map((_, c) => rows.map((row) => row[c]));
  const text =
    `insert into interval_days (${COLUMNS.join(', ')}) select * from ` +
    `unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::bytea[]) ${UPSERT}`;
  await raw.executeQuery(CompiledQuery.raw(text, columns));
}

/** Reads one packed day back (tests, reconciliation). */
export async function readIntervalDay(
  trx: Pick<SyncTrx, 'selectFrom'>,
  meterId: string,
  channel: number,
  dayStartMs: number,
) {
  const row = await trx
    .selectFrom('interval_days')
    .select('packed')
    .where('meter_id', '=', meterId)
    .where('channel', '=', BigInt(channel))
    .where('day_start_ms', '=', BigInt(dayStartMs))
    .executeTakeFirst();
  return row ? decodeIntervalDay(new Uint8Array(row.packed)) : undefined;
}
