import {
  decodeIntervalDay,
  emptyDay,
  encodeIntervalDay,
  type IntervalUpdate,
  intervalIndex,
  mergeIntervals,
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
 * Key of the packed row: meter × channel × UTC day.
 * Example: { meterId: 'm1', channel: 0, intervalStartMs: 90000000 } → 'm1|0|86400000'.
 */
export function dayKey(f: IntervalFact): string {
  const dayStartMs = Math.floor(f.intervalStartMs / DAY_MS) * DAY_MS;
  return `${f.meterId}|${f.channel}|${dayStartMs}`;
}

/** The intervals of one packed row (meter × channel × UTC day). */
interface DayGroup {
  key: string;
  dayStartMs: number;
  facts: IntervalFact[];
}

/**
 * Groups intervals by packed row, in order of first appearance (nested maps: no key string
 * per interval). Example: facts of m1 on days D and D+1 → two groups, keys 'm1|0|D', 'm1|0|D+1'.
 */
export function groupByDay(facts: readonly IntervalFact[]): DayGroup[] {
  const byMeter = new Map<string, Map<number, DayGroup>>();
  const list: DayGroup[] = [];
  for (const f of facts) {
    let days = byMeter.get(f.meterId);
    if (!days) {
      days = new Map();
      byMeter.set(f.meterId, days);
    }
    const dayStartMs = Math.floor(f.intervalStartMs / DAY_MS) * DAY_MS;
    const slot = dayStartMs + f.channel; // unique: days are 86,400,000 ms apart
    const group = days.get(slot);
    if (group) group.facts.push(f);
    else {
      const created = { key: dayKey(f), dayStartMs, facts: [f] };
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

/**
 * Merges intervals into their meter-channel-day rows (read, `mergeIntervals`, upsert), so a
 * replay is a no-op and two different actual values are reported, never overwritten.
 * Days are UTC days (96 slots of 900 s).
 */
export async function mergeIntervalRows(
  trx: SyncTrx,
  facts: readonly IntervalFact[],
): Promise<MergeReport> {
  const report: MergeReport = { rowsWritten: 0, conflicts: [], mismatched: [] };
  const groups = groupByDay(facts);
  const stored = await loadRows(trx, groups);
  const rows: BulkValue[][] = [];
  for (const { key, dayStartMs, facts: group } of groups) {
    const first = group[0]!;
    const prior = stored.get(key);
    const seconds = prior?.intervalSeconds ?? first.intervalSeconds;
    const day = prior ?? emptyDay(DAY_MS / 1000 / seconds, seconds);
    const updates: IntervalUpdate[] = [];
    for (const f of group) {
      if (f.intervalSeconds !== seconds) report.mismatched.push(f);
      else {
        const index = intervalIndex(dayStartMs, f.intervalStartMs, seconds, day.flags.length);
        updates.push({ index, valueWh: f.energyWh, flags: f.qualityFlags });
      }
    }
    const merged = mergeIntervals(day, updates);
    for (const c of merged.conflicts) {
      const intervalStartMs = dayStartMs + c.index * seconds * 1000;
      report.conflicts.push({ meterId: first.meterId, intervalStartMs, ...pick(c) });
    }
    if (!merged.outcomes.some((o) => o === 'filled' || o === 'upgraded')) continue;
    const packed = encodeIntervalDay(merged.day);
    rows.push([first.meterId, BigInt(first.channel), BigInt(dayStartMs), BigInt(seconds), packed]);
  }
  await upsertRows(trx, rows);
  report.rowsWritten = rows.length;
  return report;
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
  const meters = [...new Set(groups.map((g) => g.facts[0]!.meterId))];
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
