import BetterSqlite3 from 'better-sqlite3';
import { chargeId } from '@gridbill/shared/tariff';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { latestReadings, MIGRATIONS } from '../store/index.js';
import { MAX_RECORD_ROWS } from '../store/cycle-record.js';
import { ingestReadings } from './ingest.js';
import { METER_CHECKPOINT_CYCLES } from './meter-log.js';

const Q = 900_000;
let fx: EngineFixture;
afterEach(() => fx?.close());

const count = (sql: string) => fx.engine.deps.db.prepare(sql).pluck().get() as number;

describe('cycle records', () => {
  it('one record per cycle; the views show its reads, intervals and charges', () => {
    fx = engineFixture();
    ingestReadings(fx.engine, [snapshot('m1', T0, 1_000)]);
    ingestReadings(fx.engine, [snapshot('m1', T0 + Q, 1_250), snapshot('m1', T0 + 2 * Q, 1_300)]);
    // the first record holds the opening balances (seeded when the store was created)
    expect(count('SELECT count(*) FROM cycle_records')).toBe(3);
    const db = fx.engine.deps.db;
    expect(db.prepare('SELECT * FROM readings ORDER BY capture_ms').all()).toEqual([
      {
        capture_ms: T0,
        meter_id: 'm1',
        register: 'importWh',
        value_wh: 1_000,
        serial: 'S1',
        quality: 'snapshot',
      },
      {
        capture_ms: T0 + Q,
        meter_id: 'm1',
        register: 'importWh',
        value_wh: 1_250,
        serial: 'S1',
        quality: 'snapshot',
      },
      {
        capture_ms: T0 + 2 * Q,
        meter_id: 'm1',
        register: 'importWh',
        value_wh: 1_300,
        serial: 'S1',
        quality: 'snapshot',
      },
    ]);
    expect(db.prepare('SELECT * FROM charges ORDER BY interval_start_ms').all()).toEqual([
      {
        interval_start_ms: T0,
        meter_id: 'm1',
        tariff_version: 'flat@v1',
        id: chargeId('m1', T0, 'flat@v1'),
        account_id: 'ACC-1001',
        energy_wh: 250,
        amount_minor: '500',
      },
      {
        interval_start_ms: T0 + Q,
        meter_id: 'm1',
        tariff_version: 'flat@v1',
        id: chargeId('m1', T0 + Q, 'flat@v1'),
        account_id: 'ACC-1001',
        energy_wh: 50,
        amount_minor: '100',
      },
    ]);
    const latest = latestReadings(db);
    const newest = {
      meter_id: 'm1',
      register: 'importWh',
      capture_ms: T0 + 2 * Q,
      value_wh: 1_300,
    };
    expect(latest(0)).toEqual([newest]);
    expect(latest(T0 + 2 * Q)).toEqual([]);
    expect(db.prepare('SELECT end_ms, flags, source FROM intervals').all()).toEqual([
      { end_ms: T0 + Q, flags: 'snapshot', source: 'snapshot' },
      { end_ms: T0 + 2 * Q, flags: 'snapshot', source: 'snapshot' },
    ]);
  });

  it('re-polled and overlapping reads are duplicates, also after a restart', () => {
    fx = engineFixture();
    ingestReadings(fx.engine, [snapshot('m1', T0, 1_000), snapshot('m1', T0 + Q, 1_100)]);
    const again = ingestReadings(fx.engine, [snapshot('m1', T0 + Q, 1_100)]);
    expect(again).toMatchObject({ stored: 0, duplicates: 1, charges: 0 });
    const reopened = fx.reopen();
    const overlap = ingestReadings(reopened, [
      snapshot('m1', T0, 1_000),
      snapshot('m1', T0 + Q, 1_100),
      snapshot('m1', T0 + 2 * Q, 1_150),
    ]);
    expect(overlap).toMatchObject({ stored: 1, duplicates: 2, charges: 1 });
    expect(count('SELECT count(*) FROM charges')).toBe(2);
    expect(reopened.balanceOf('ACC-1001')).toBe(1000n - 200n - 100n);
  });

  it('meter state: checkpointed on its first cycle, then replayed from the records', () => {
    const m2 = { id: 'm2', protocol: 'dlms', bus: 'tcp', profile: 'p', host: 'h' };
    fx = engineFixture({
      wallMs: T0 + 2 * METER_CHECKPOINT_CYCLES * Q,
      config: (dir) =>
        baseConfig(dir, {
          meters: [
            { ...m2, id: 'm1', accountId: 'ACC-1001' },
            { ...m2, accountId: 'ACC-1001' },
          ],
        }),
    });
    ingestReadings(fx.engine, [snapshot('m2', T0, 5)]); // m2 then falls silent
    const cycles = METER_CHECKPOINT_CYCLES + 10;
    for (let k = 0; k <= cycles; k++)
      ingestReadings(fx.engine, [snapshot('m1', T0 + k * Q, 1_000 + k)]);
    const through = (id: string) =>
      fx.engine.deps.db
        .prepare('SELECT through_seq FROM meter_state WHERE meter_id = ?')
        .pluck()
        .get(id) as number;
    expect(through('m1')).toBeGreaterThan(2); // rewritten by its slot, not every cycle
    expect(through('m1')).toBeLessThan(cycles + 2);
    // the silent meter is checkpointed by its slot too: a start replays ≤ 96 records for it
    expect(through('m2')).toBeGreaterThan(cycles + 2 - METER_CHECKPOINT_CYCLES);
    const before = fx.engine.vee.get('m1');
    const reopened = fx.reopen();
    expect(reopened.vee.get('m1')).toEqual(before);
    expect(reopened.meterLog.marks.get('m1')).toEqual({
      reads: { importWh: T0 + cycles * Q },
      ivMs: T0 + (cycles - 1) * Q,
    });
    ingestReadings(reopened, [snapshot('m1', T0 + (cycles + 1) * Q, 1_000 + cycles + 1)]);
    expect(reopened.meterLog.marks.get('m2')).toEqual({ reads: { importWh: T0 }, ivMs: null });
    expect(count('SELECT count(*) FROM charges')).toBe(cycles + 1);
    expect(count('SELECT count(DISTINCT interval_start_ms) FROM charges')).toBe(cycles + 1);
  });
});

describe('a large cycle (load-profile catch-up)', () => {
  it('is written as several records of at most MAX_RECORD_ROWS rows, read back whole', () => {
    const n = 2 * MAX_RECORD_ROWS + 500;
    fx = engineFixture({ wallMs: T0 + (n + 4) * Q });
    ingestReadings(fx.engine, [snapshot('m1', T0, 0)]);
    const day = Array.from({ length: n }, (_, k) => snapshot('m1', T0 + (k + 1) * Q, 10 * (k + 1)));
    expect(ingestReadings(fx.engine, day)).toMatchObject({ stored: n, charges: n });
    const sizes = fx.engine.deps.db
      .prepare("SELECT json_array_length(body, '$.i.m') FROM cycle_records ORDER BY seq")
      .pluck()
      .all();
    // opening balances, the baseline, then the catch-up cycle in three records
    expect(sizes).toEqual([0, 0, MAX_RECORD_ROWS, MAX_RECORD_ROWS, 500]);
    expect(count('SELECT count(*) FROM charges')).toBe(n);
    expect(count('SELECT count(DISTINCT start_ms) FROM intervals')).toBe(n);
    const vee = fx.engine.vee.get('m1');
    const balance = fx.engine.balanceOf('ACC-1001');
    const reopened = fx.reopen();
    expect(reopened.vee.get('m1')).toEqual(vee);
    expect(reopened.balanceOf('ACC-1001')).toBe(balance);
    expect(reopened.meterLog.marks.get('m1')?.ivMs).toBe(T0 + (n - 1) * Q);
  });
});

describe('start after a meter fell silent', () => {
  it('parses only recent records: the silent meter does not pull the replays back', () => {
    const meter = { protocol: 'dlms', bus: 'tcp', profile: 'p', host: 'h', accountId: 'ACC-1001' };
    const cycles = 2 * METER_CHECKPOINT_CYCLES + 8;
    fx = engineFixture({
      wallMs: T0 + (cycles + 4) * Q,
      config: (dir) =>
        baseConfig(dir, {
          meters: [
            { ...meter, id: 'm1' },
            { ...meter, id: 'm2' },
          ],
        }),
    });
    // records 1–3: m2's baseline and two intervals (its rating checkpoint: through the first)
    for (let k = 0; k <= 2; k++) ingestReadings(fx.engine, [snapshot('m2', T0 + k * Q, 5 * k)]);
    for (let k = 0; k <= cycles; k++)
      ingestReadings(fx.engine, [snapshot('m1', T0 + k * Q, 1_000 + k)]);
    // old records (m2's and m1's first ones) made unreadable: a start that parsed them throws
    fx.engine.deps.db.exec("UPDATE cycle_records SET body = 'not json' WHERE seq <= 12");
    const reopened = fx.reopen();
    const marks = { reads: { importWh: T0 + 2 * Q }, ivMs: T0 + Q };
    expect(reopened.meterLog.marks.get('m2')).toEqual(marks);
    const summary = ingestReadings(reopened, [snapshot('m2', T0 + 3 * Q, 20)]);
    expect(summary).toMatchObject({ stored: 1, charges: 1 });
  });
});

describe('store migration 6 (cycle records)', () => {
  it('keeps a store of version 5: its rows in the views, its marks, no charge twice', () => {
    fx = engineFixture();
    fx.engine.deps.db.close();
    const legacy = legacyStore(fx.dbPath);
    expect(legacy).toBe(5);
    const e = fx.reopen();
    expect(count('SELECT count(*) FROM charges')).toBe(1);
    expect(e.meterLog.marks.get('m1')).toEqual({ reads: { importWh: T0 + Q }, ivMs: T0 });
    expect(e.vee.get('m1')?.lastValueWh).toBe(1_100);
    const again = ingestReadings(e, [
      snapshot('m1', T0 + Q, 1_100),
      snapshot('m1', T0 + 2 * Q, 1_200),
    ]);
    expect(again).toMatchObject({ stored: 1, duplicates: 1, charges: 1 });
    expect(count('SELECT count(*) FROM charges')).toBe(2);
    expect(count('SELECT count(*) FROM readings')).toBe(3);
    const latest = latestReadings(e.deps.db);
    expect(latest(0).map((r) => r.value_wh)).toEqual([1_200]); // newest: the record's
    expect(
      count("SELECT count(*) FROM charges WHERE id = '" + chargeId('m1', T0, 'flat@v1') + "'"),
    ).toBe(1);
  });
});

/**
 * Rebuilds the file as a version-5 store (migrations 1–5) holding what the old gateway wrote
 * for m1: two readings, one rated interval, its VEE state row. Returns the schema version.
 */
function legacyStore(path: string): number {
  const db = new BetterSqlite3(path);
  for (const t of db
    .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    .all() as { type: string; name: string }[])
    if (t.type === 'table' || t.type === 'view') db.exec(`DROP ${t.type} IF EXISTS "${t.name}"`);
  for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
  db.exec(
    `INSERT INTO meta VALUES ('schema_version', '5'), ('incarnation_id', 'inc-test'),
    ('created_wall_ms', '0'), ('outbox_seq', '0');
    INSERT INTO balances VALUES ('ACC-1001', '800', 0);
    INSERT INTO readings VALUES (${T0}, 'm1', 'importWh', 1000, 'S1', 'snapshot'),
      (${T0 + Q}, 'm1', 'importWh', 1100, 'S1', 'snapshot');
    INSERT INTO intervals VALUES (${T0}, 'm1', ${T0 + Q}, 100, 'snapshot', 'snapshot',
      '${chargeId('m1', T0, 'flat@v1')}', 'ACC-1001', 'flat@v1', '200');
    INSERT INTO meter_state VALUES ('m1', '{"lastCaptureMs":${T0 + Q},"lastValueWh":1100,` +
      `"serial":"S1","rateMilliWhPerHour":400000}');`,
  );
  const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
  db.close();
  return Number.parseInt(version as string, 10);
}
