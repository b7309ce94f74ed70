import type { Database } from 'better-sqlite3';
import type { CycleRecordBody } from './cycle-record.js';

/** The newest reading of one meter register. */
export interface LatestReading {
  meter_id: string;
  register: string;
  capture_ms: number;
  value_wh: number;
}

/**
 * The newest reading per meter and register captured after `afterMs`, read without scanning
 * the whole store: the rows of the older `readings_v1` table by SQL, the cycle records by
 * their `last_capture_ms` index (only records holding a later read are parsed). A store
 * without cycle records (a plain `readings` table) is read by SQL alone.
 *
 * @example
 * latestReadings(db)(1_000) // → [{ meter_id: 'm1', register: 'importWh',
 * //                              capture_ms: 2_000, value_wh: 12 }]
 */
export function latestReadings(db: Database): (afterMs: number) => LatestReading[] {
  const hasRecords = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cycle_records'")
    .get();
  const rowsTable = hasRecords ? 'readings_v1' : 'readings';
  const rows = db.prepare(
    `SELECT meter_id, register, max(capture_ms) AS capture_ms, value_wh FROM ${rowsTable} ` +
      'WHERE capture_ms > ? GROUP BY meter_id, register',
  );
  const records = hasRecords
    ? db.prepare('SELECT body FROM cycle_records WHERE last_capture_ms > ? ORDER BY seq').pluck()
    : undefined;
  return (afterMs) => {
    const newest = new Map<string, LatestReading>();
    const keep = (r: LatestReading) => {
      const key = `${r.meter_id}\n${r.register}`;
      const seen = newest.get(key);
      if (!seen || r.capture_ms > seen.capture_ms) newest.set(key, r);
    };
    for (const r of rows.all(afterMs) as LatestReading[]) keep(r);
    for (const text of (records?.all(afterMs) ?? []) as string[]) readsOf(text, afterMs, keep);
    return [...newest.values()];
  };
}

function readsOf(text: string, afterMs: number, keep: (r: LatestReading) => void): void {
  const b = JSON.parse(text) as CycleRecordBody;
  for (let k = 0; k < b.r.m.length; k++) {
    const captureMs = b.t0 + b.r.t[k]!;
    if (captureMs <= afterMs) continue;
    keep({
      meter_id: b.m[b.r.m[k]!]!,
      register: b.g[b.r.g[k]!]!,
      capture_ms: captureMs,
      value_wh: b.r.wh[k]!,
    });
  }
}
