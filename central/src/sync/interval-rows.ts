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
import { type BulkValue, inList, upsertPacked, usesDollarPlaceholders } from './bulk-insert.js';
import { type PendingWrites, writeOrDefer } from './pending-writes.js';
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

/** Rows of one segment: a block's columns (referenced, not copied) or the per-fact rows. */
interface Segment {
  meterIds: readonly string[];
  /** Index into `meterIds` per row. */
  meter: readonly number[];
  /** Per row, or null: channel 0 (blocks). */
  channel: readonly number[] | null;
  startMs: readonly number[];
  seconds: readonly number[];
  energyWh: readonly number[];
  quality: readonly number[];
}

/** The per-fact rows, appended one interval event at a time. */
interface FactSegment {
  meterIds: string[];
  meter: number[];
  channel: number[];
  startMs: number[];
  seconds: number[];
  energyWh: number[];
  quality: number[];
}

/**
 * A row of a batch as one number: `segment * ROW_REF + row` (a segment — a block's columns —
 * has fewer rows than this; blocks hold at most 5,000).
 */
export const ROW_REF = 65_536;

/**
 * Intervals to merge (the batch's interval events and block rows) as segments of columns: a
 * block's columns are referenced as they are, no object or copy per interval.
 * Example: add(f) then addBlock(body) → 2 segments, 1 + body.intervals.meter.length rows.
 */
export class IntervalColumns {
  readonly segments: Segment[] = [];
  private facts: FactSegment | null = null;

  add(f: IntervalFact): void {
    if (this.facts === null) {
      this.facts = {
        meterIds: [],
        meter: [],
        channel: [],
        startMs: [],
        seconds: [],
        energyWh: [],
        quality: [],
      };
      this.segments.push(this.facts);
    }
    const s = this.facts;
    s.meter.push(s.meterIds.length);
    s.meterIds.push(f.meterId);
    s.channel.push(f.channel);
    s.startMs.push(f.intervalStartMs);
    s.seconds.push(f.intervalSeconds);
    s.energyWh.push(f.energyWh);
    s.quality.push(f.qualityFlags);
  }

  /** A block's interval rows (channel 0), by reference. */
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
    this.segments.push({ meterIds: body.meterIds, channel: null, ...pickColumns(c) });
  }

  /** Row `ref` as a fact (for reports). */
  fact(ref: number): IntervalFact {
    const s = this.segments[Math.floor(ref / ROW_REF)]!;
    const i = ref % ROW_REF;
    return {
      meterId: s.meterIds[s.meter[i]!]!,
      channel: s.channel?.[i] ?? 0,
      intervalStartMs: s.startMs[i]!,
      intervalSeconds: s.seconds[i]!,
      energyWh: s.energyWh[i]!,
      qualityFlags: s.quality[i]!,
    };
  }
}

function pickColumns(c: Omit<Segment, 'meterIds' | 'channel'>) {
  const { meter, startMs, seconds, energyWh, quality } = c;
  return { meter, startMs, seconds, energyWh, quality };
}

/**
 * Key of the packed row: meter × channel × UTC day.
 * Example: ('m1', 0, 90000000) → 'm1|0|86400000'.
 */
export function dayKey(meterId: string, channel: number, intervalStartMs: number): string {
  const dayStartMs = Math.floor(intervalStartMs / DAY_MS) * DAY_MS;
  return `${meterId}|${channel}|${dayStartMs}`;
}

/** The intervals (row references) of one packed row (meter × channel × UTC day). */
export interface DayGroup {
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
  for (let seg = 0; seg < c.segments.length; seg += 1) {
    const s = c.segments[seg]!;
    for (let i = 0; i < s.meter.length; i += 1) {
      const meterId = s.meterIds[s.meter[i]!]!;
      let days = byMeter.get(meterId);
      if (!days) {
        days = new Map();
        byMeter.set(meterId, days);
      }
      const startMs = s.startMs[i]!;
      const dayStartMs = Math.floor(startMs / DAY_MS) * DAY_MS;
      const channel = s.channel === null ? 0 : s.channel[i]!;
      const slot = dayStartMs + channel; // unique: days are 86,400,000 ms apart
      const group = days.get(slot);
      if (group) group.rows.push(seg * ROW_REF + i);
      else {
        const key = dayKey(meterId, channel, startMs);
        const created = { key, meterId, channel, dayStartMs, rows: [seg * ROW_REF + i] };
        days.set(slot, created);
        list.push(created);
      }
    }
  }
  return list;
}

export interface MergeReport {
  rowsWritten: number;
  conflicts: { meterId: string; intervalStartMs: number; storedWh: number; incomingWh: number }[];
  /** Intervals whose length differs from the stored row's (not stored; the caller alarms). */
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
 * Days are UTC days (96 slots of 900 s). With `pending`, the upsert is left running there;
 * `groups` is `groupByDay(facts)` when the caller has it already.
 */
export async function mergeIntervalRows(
  trx: SyncTrx,
  facts: IntervalColumns,
  pending?: PendingWrites,
  groups: readonly DayGroup[] = groupByDay(facts),
): Promise<MergeReport> {
  const report: MergeReport = { rowsWritten: 0, conflicts: [], mismatched: [] };
  const stored = await loadRows(trx, groups);
  const rows: BulkValue[][] = [];
  for (const group of groups) {
    const merged = mergeGroup(facts, group, stored.get(group.key), report);
    if (merged === null) continue;
    const { meterId, channel, dayStartMs } = group;
    const seconds = BigInt(merged.intervalSeconds);
    rows.push([meterId, BigInt(channel), BigInt(dayStartMs), seconds, encodeIntervalDay(merged)]);
  }
  await writeOrDefer(upsertRows(trx, rows), pending);
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
  const segments = facts.segments;
  const first = rows[0]!;
  const firstSeconds = segments[Math.floor(first / ROW_REF)]!.seconds[first % ROW_REF]!;
  const seconds = prior?.intervalSeconds ?? firstSeconds;
  const day = prior ?? emptyDay(DAY_MS / 1000 / seconds, seconds);
  if (updates.index.length < rows.length) updates = newUpdates(rows.length * 2);
  let n = 0;
  for (const ref of rows) {
    const s = segments[Math.floor(ref / ROW_REF)]!;
    const i = ref % ROW_REF;
    if (s.seconds[i] !== seconds) {
      report.mismatched.push(facts.fact(ref));
      continue;
    }
    updates.index[n] = intervalIndex(dayStartMs, s.startMs[i]!, seconds, day.flags.length);
    updates.valueWh[n] = s.energyWh[i]!;
    updates.flags[n] = s.quality[i]!;
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
const KEY_TYPES = ['text', 'int8', 'int8', 'int8'];
const UPSERT =
  'ON CONFLICT (meter_id, channel, day_start_ms) DO UPDATE SET packed = excluded.packed';

/**
 * The stored rows of the groups: one raw select per 400 meters on SQLite (all days of the
 * request), one with array parameters on PostgreSQL.
 */
async function loadRows(trx: SyncTrx, groups: readonly DayGroup[]) {
  const out = new Map<string, ReturnType<typeof decodeIntervalDay>>();
  const keys = new Set(groups.map((g) => g.key));
  const meters = [...new Set(groups.map((g) => g.meterId))];
  const days = [...new Set(groups.map((g) => g.dayStartMs))];
  const raw = trx as unknown as Kysely<unknown>;
  const dollar = usesDollarPlaceholders(raw);
  const step = dollar ? meters.length : CHUNK; // PostgreSQL: one array parameter per list
  for (let i = 0; i < meters.length; i += step) {
    const params: unknown[] = [];
    const text =
      'select meter_id, channel, day_start_ms, packed from interval_days ' +
      `where ${inList(dollar, 'day_start_ms', days.map(BigInt), 'int8', params)} ` +
      `and ${inList(dollar, 'meter_id', meters.slice(i, i + step), 'text', params)}`;
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

/** Multi-row upsert of packed day rows (`upsertPacked`). */
async function upsertRows(trx: SyncTrx, rows: BulkValue[][]): Promise<void> {
  const raw = trx as unknown as Kysely<unknown>;
  await upsertPacked(raw, 'interval_days', COLUMNS, KEY_TYPES, rows, UPSERT, CHUNK);
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
