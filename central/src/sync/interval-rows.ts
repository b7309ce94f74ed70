import {
  decodeIntervalDay,
  emptyDay,
  encodeIntervalDay,
  type IntervalUpdate,
  intervalIndex,
  mergeIntervals,
} from '@gridbill/shared/interval-pack';
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

/** Groups intervals by packed row. */
export function groupByDay(facts: readonly IntervalFact[]): Map<string, IntervalFact[]> {
  const groups = new Map<string, IntervalFact[]>();
  for (const f of facts) {
    const key = dayKey(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return groups;
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
  const rows: RowValues[] = [];
  for (const [key, group] of groups) {
    const first = group[0]!;
    const dayStartMs = Math.floor(first.intervalStartMs / DAY_MS) * DAY_MS;
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
    rows.push({
      meter_id: first.meterId,
      channel: BigInt(first.channel),
      day_start_ms: BigInt(dayStartMs),
      interval_seconds: BigInt(seconds),
      packed: encodeIntervalDay(merged.day),
    });
  }
  await upsertRows(trx, rows);
  report.rowsWritten = rows.length;
  return report;
}

type RowValues = {
  meter_id: string;
  channel: bigint;
  day_start_ms: bigint;
  interval_seconds: bigint;
  packed: Uint8Array;
};

function pick(c: { storedWh: number; incomingWh: number }) {
  return { storedWh: c.storedWh, incomingWh: c.incomingWh };
}

const CHUNK = 400;

async function loadRows(trx: SyncTrx, groups: Map<string, IntervalFact[]>) {
  const out = new Map<string, ReturnType<typeof decodeIntervalDay>>();
  const meters = [...new Set([...groups.values()].map((g) => g[0]!.meterId))];
  const days = [...new Set([...groups.keys()].map((k) => BigInt(k.split('|')[2]!)))];
  for (let i = 0; i < meters.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('interval_days')
      .select(['meter_id', 'channel', 'day_start_ms', 'packed'])
      .where('meter_id', 'in', meters.slice(i, i + CHUNK))
      .where('day_start_ms', 'in', days)
      .execute();
    for (const r of rows) {
      const key = `${r.meter_id}|${r.channel}|${r.day_start_ms}`;
      if (groups.has(key)) out.set(key, decodeIntervalDay(new Uint8Array(r.packed)));
    }
  }
  return out;
}

async function upsertRows(trx: SyncTrx, rows: RowValues[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('interval_days')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['meter_id', 'channel', 'day_start_ms'])
          .doUpdateSet((eb) => ({ packed: eb.ref('excluded.packed') })),
      )
      .execute();
  }
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
