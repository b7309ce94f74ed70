import {
  appendChargeDay,
  type ChargeDayScan,
  chargeDayStartMs,
  decodeChargeDay,
  encodeChargeDay,
  mergeChargeDay,
  type PackedCharge,
  scanChargeDay,
} from '@gridbill/shared/sync';
import { CompiledQuery, type Kysely } from 'kysely';
import { inList, upsertPacked, usesDollarPlaceholders } from './bulk-insert.js';

/** An edge-rated charge to store: the packed fields plus its meter and account. */
export interface ChargeInput extends PackedCharge {
  meterId: string;
  accountId: string;
}

/** The stored rows of one meter-day (one per account), scanned once as read. */
export type StoredDay = Map<string, ChargeDayScan & { packed: Uint8Array }>;

/** Meters per load statement (× days in one `in` list each). */
const LOAD_CHUNK = 400;
/** Rows per upsert statement on SQLite (5 values each). */
const UPSERT_CHUNK = 400;
const KEY = '(gateway_id, day_start_ms, meter_id, account_id)';
const UPSERT = `ON CONFLICT ${KEY} DO UPDATE SET packed = excluded.packed`;

/**
 * Stores charges once per (meter, interval start, tariff version) — the key of the charge id
 * `chargeId(meter, start, version)` — in `edge_charge_days` (one packed row per gateway ×
 * meter × account × UTC day): one load per chunk of meters; charges arriving after every
 * stored one (the common, time-ordered case) are appended to the packed rows without decoding
 * them, others are merged (decode, once per key, encode); one multi-row upsert per chunk.
 * Returns the charges stored now (same objects, grouped by meter-day in order of first
 * appearance, input order within a group); a charge already stored (for any account of that
 * meter-day) or earlier in `charges` is not.
 * Example: [c(m1, T, tv-1), c(m1, T, tv-1), c(m1, T+900 s, tv-1)] on an empty table →
 *   [first c(m1, T), c(m1, T+900 s)]; the same call again → [].
 */
export async function storeChargesOnce<C extends ChargeInput>(
  db: Kysely<unknown>,
  gatewayId: string,
  charges: readonly C[],
): Promise<C[]> {
  if (charges.length === 0) return [];
  const groups = groupByMeterDay(charges);
  const stored = await loadDays(db, gatewayId, groups);
  const fresh: C[] = [];
  const rows: RowValues[] = [];
  for (const group of groups.list) {
    for (const c of packGroup(gatewayId, stored.get(group.key), group, rows)) fresh.push(c);
  }
  await upsertDays(db, rows);
  return fresh;
}

/**
 * One meter-day's incoming charges against its stored rows: the row values to upsert are
 * pushed to `rows`; returns the charges stored now (appended when time-ordered, else merged
 * once per key).
 */
export function packGroup<C extends ChargeInput>(
  gatewayId: string,
  day: StoredDay | undefined,
  group: Group<C>,
  rows: RowValues[],
): C[] {
  const added = appendsAfter(day, group) ? group.charges : mergeGroup(day, group);
  for (const [accountId, list] of byAccount(added)) {
    const packed = packAccount(group.dayStartMs, day?.get(accountId), list);
    rows.push([gatewayId, BigInt(group.dayStartMs), group.meterId, accountId, packed]);
  }
  return added;
}

/** Charges split by account (one account per meter-day is the common case: no map). */
function byAccount<C extends ChargeInput>(charges: C[]): [string, C[]][] {
  const first = charges[0]?.accountId;
  if (first === undefined) return [];
  if (charges.every((c) => c.accountId === first)) return [[first, charges]];
  const out = new Map<string, C[]>();
  for (const c of charges) {
    const list = out.get(c.accountId);
    if (list) list.push(c);
    else out.set(c.accountId, [c]);
  }
  return [...out];
}

/**
 * True when the group's charges start strictly increasing and after every stored charge of
 * the meter-day (time-ordered arrival): all are fresh, appended without decoding.
 */
function appendsAfter(day: StoredDay | undefined, group: Group<ChargeInput>): boolean {
  let lastMs = lastStoredMs(day);
  for (const c of group.charges) {
    if (c.startMs <= lastMs) return false;
    lastMs = c.startMs;
  }
  return true;
}

/** The latest stored start of a meter-day over all its accounts' rows (−1: none). */
export function lastStoredMs(day: StoredDay | undefined): number {
  let lastMs = -1;
  for (const [, scan] of day ?? []) {
    if (scan.count > 0 && scan.lastStartMs > lastMs) lastMs = scan.lastStartMs;
  }
  return lastMs;
}

/** The general case: decode the meter-day's rows (all accounts) and merge once per key. */
function mergeGroup<C extends ChargeInput>(day: StoredDay | undefined, group: Group<C>): C[] {
  const all: PackedCharge[] = [];
  for (const [, scan] of day ?? []) all.push(...decodeChargeDay(group.dayStartMs, scan.packed));
  return mergeChargeDay(all, group.charges).fresh as C[];
}

/** One account's row: appended in order when possible, else decoded and re-encoded. */
function packAccount(
  dayStartMs: number,
  scan: (ChargeDayScan & { packed: Uint8Array }) | undefined,
  added: ChargeInput[],
) {
  if (scan === undefined) return encodeChargeDay(dayStartMs, added);
  let lastMs = scan.count > 0 ? scan.lastStartMs : -1;
  let inOrder = true;
  for (const c of added) {
    if (c.startMs <= lastMs) inOrder = false;
    lastMs = c.startMs;
  }
  if (inOrder) return appendChargeDay(dayStartMs, scan, added);
  return encodeChargeDay(dayStartMs, [...decodeChargeDay(dayStartMs, scan.packed), ...added]);
}

/** The incoming charges of one meter-day. */
export interface Group<C> {
  key: string;
  meterId: string;
  dayStartMs: number;
  charges: C[];
}

/** Groups by meter, then UTC day (nested maps: no key string per charge). */
function groupByMeterDay<C extends ChargeInput>(charges: readonly C[]) {
  const byMeter = new Map<string, Map<number, Group<C>>>();
  const list: Group<C>[] = [];
  for (const c of charges) {
    let days = byMeter.get(c.meterId);
    if (!days) {
      days = new Map();
      byMeter.set(c.meterId, days);
    }
    const dayStartMs = chargeDayStartMs(c.startMs);
    const group = days.get(dayStartMs);
    if (group) group.charges.push(c);
    else {
      const key = `${c.meterId}|${dayStartMs}`;
      const created = { key, meterId: c.meterId, dayStartMs, charges: [c] };
      days.set(dayStartMs, created);
      list.push(created);
    }
  }
  return { list, keys: new Set(list.map((g) => g.key)) };
}

/** An `edge_charge_days` row to upsert: gateway, day start, meter, account, packed. */
export type RowValues = [string, bigint, string, string, Uint8Array];

/** The meter-days of a load: key `meter|day start`, meter and day of each. */
export interface DayKeys {
  list: readonly { key: string; meterId: string; dayStartMs: number }[];
  keys: Set<string>;
}

/**
 * The stored rows of the meter-days, one select per 400 meters on SQLite (all days of the
 * call; PostgreSQL: one select with array parameters), each scanned once.
 * Example: keys of (m1, D) → Map { 'm1|D' → Map { a1 → scan + bytes } }.
 */
export async function loadDays(
  db: Kysely<unknown>,
  gatewayId: string,
  groups: DayKeys,
): Promise<Map<string, StoredDay>> {
  const out = new Map<string, StoredDay>();
  const meters = [...new Set(groups.list.map((g) => g.meterId))];
  const days = [...new Set(groups.list.map((g) => g.dayStartMs))];
  const dollar = usesDollarPlaceholders(db);
  const step = dollar ? meters.length : LOAD_CHUNK; // PostgreSQL: one array parameter per list
  for (let i = 0; i < meters.length; i += step) {
    const params: unknown[] = [gatewayId];
    const text =
      'select meter_id, account_id, day_start_ms, packed from edge_charge_days ' +
      `where gateway_id = ${dollar ? '$1' : '?'} ` +
      `and ${inList(dollar, 'day_start_ms', days.map(BigInt), 'int8', params)} ` +
      `and ${inList(dollar, 'meter_id', meters.slice(i, i + step), 'text', params)}`;
    const result = await db.executeQuery<DayRow>(CompiledQuery.raw(text, params));
    for (const r of result.rows) {
      const dayStartMs = Number(r.day_start_ms);
      const key = `${r.meter_id}|${dayStartMs}`;
      if (!groups.keys.has(key)) continue;
      const day: StoredDay = out.get(key) ?? new Map();
      const packed = r.packed; // the driver's own copy of the blob
      day.set(r.account_id, { ...scanChargeDay(dayStartMs, packed), packed });
      out.set(key, day);
    }
  }
  return out;
}

interface DayRow {
  meter_id: string;
  account_id: string;
  day_start_ms: bigint | number | string;
  packed: Uint8Array;
}

const COLUMNS = ['gateway_id', 'day_start_ms', 'meter_id', 'account_id', 'packed'] as const;
const KEY_TYPES = ['text', 'int8', 'text', 'text'];

/** Multi-row upsert of packed day rows (`upsertPacked`). */
export async function upsertDays(db: Kysely<unknown>, rows: RowValues[]): Promise<void> {
  await upsertPacked(db, 'edge_charge_days', COLUMNS, KEY_TYPES, rows, UPSERT, UPSERT_CHUNK);
}
