import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EngineFixture,
  engineFixture,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { MIGRATIONS } from '../store/index.js';
import { restoreBalances } from '../store/balance-replay.js';
import { CheckpointSchedule } from './checkpoint-schedule.js';
import { BALANCE_CHECKPOINT_CYCLES } from './engine.js';
import { ingestReadings } from './ingest.js';

const Q = 900_000;
const OPENING = 1_000n;
let fx: EngineFixture;
afterEach(() => fx?.close());

const one = (sql: string) => fx.engine.deps.db.prepare(sql).pluck().get() as number;
const charged = () =>
  BigInt(one('SELECT coalesce(sum(CAST(amount_minor AS INTEGER)), 0) FROM charges'));

describe('balance checkpoints', () => {
  it('each move goes into the cycle record; the row is a checkpoint, rewritten by its slot', () => {
    const cycles = BALANCE_CHECKPOINT_CYCLES + 20;
    fx = engineFixture({ wallMs: T0 + (cycles + 4) * Q });
    for (let k = 0; k <= cycles; k++)
      ingestReadings(fx.engine, [snapshot('m1', T0 + k * Q, 1_000 + k)]);
    const lastSeq = one('SELECT max(seq) FROM cycle_records');
    const through = one("SELECT through_seq FROM balances WHERE account_id = 'ACC-1001'");
    expect(through).toBeLessThan(lastSeq); // not rewritten every cycle
    expect(through).toBeGreaterThan(lastSeq - BALANCE_CHECKPOINT_CYCLES); // but by its slot
    const notes = one(
      "SELECT count(*) FROM cycle_records WHERE balances ->> '$.a[0]' = 'ACC-1001'",
    );
    expect(notes).toBe(cycles + 1); // the opening balances' record and every charged cycle
    const memory = fx.engine.balanceOf('ACC-1001');
    expect(memory).toBe(OPENING - charged());
    expect(restoreBalances(fx.engine.deps.db).get('ACC-1001')?.balanceMinor).toBe(memory);
    // records up to the checkpoint made unreadable: a start that read them would throw
    fx.engine.deps.db
      .prepare("UPDATE cycle_records SET body = 'not json' WHERE seq <= ?")
      .run(through);
    expect(fx.reopen().balanceOf('ACC-1001')).toBe(memory);
  });

  it('a later record moves a balance on past a stale checkpoint row (start and safe mode)', () => {
    fx = engineFixture();
    ingestReadings(fx.engine, [snapshot('m1', T0, 1_000)]);
    ingestReadings(fx.engine, [snapshot('m1', T0 + Q, 1_100)]);
    const stored = one("SELECT balance_minor FROM balances WHERE account_id = 'ACC-1001'");
    expect(BigInt(stored)).toBe(OPENING); // the checkpoint of the opening balances
    const memory = fx.engine.balanceOf('ACC-1001');
    expect(memory).toBeLessThan(OPENING);
    fx.engine.safe.tick();
    expect(fx.engine.safeMode).toBe(false); // replayed, the store agrees with memory
    expect(fx.reopen().balanceOf('ACC-1001')).toBe(memory);
  });

  it('migration 8 keeps a version-7 store: its rows run through the records it holds', () => {
    fx = engineFixture();
    fx.engine.deps.db.close();
    const db = new BetterSqlite3(fx.dbPath);
    for (const t of db
      .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
      .all() as { type: string; name: string }[])
      if (t.type === 'table' || t.type === 'view') db.exec(`DROP ${t.type} IF EXISTS "${t.name}"`);
    for (const sql of MIGRATIONS.slice(0, 7)) db.exec(sql);
    db.exec(
      `INSERT INTO meta VALUES ('schema_version', '7'), ('incarnation_id', 'inc-test'),
        ('created_wall_ms', '0'), ('outbox_seq', '0');
      INSERT INTO balances VALUES ('ACC-1001', '640', 0);
      INSERT INTO cycle_records VALUES (3, -1, ${T0}, '{"t0":${T0},"m":["m1"],"a":[],"tv":[],` +
        `"g":["importWh"],"s":["S1"],"f":[],"r":{"m":[0],"g":[0],"t":[0],"wh":[1000],"s":[0],` +
        `"q":[1]},"i":{"m":[],"t":[],"d":[],"wh":[],"f":[],"a":[],"tv":[],"am":[]},` +
        `"v":{"m":[],"t":[],"wh":[],"s":[],"rate":[]}}');`,
    );
    db.close();
    const e = fx.reopen();
    expect(one("SELECT through_seq FROM balances WHERE account_id = 'ACC-1001'")).toBe(3);
    expect(e.balanceOf('ACC-1001')).toBe(640n);
    ingestReadings(e, [snapshot('m1', T0 + Q, 1_100)]);
    expect(fx.reopen().balanceOf('ACC-1001')).toBe(640n - charged());
  });
});

describe('CheckpointSchedule', () => {
  it('first change, then its slot; a rolled back checkpoint is due again', () => {
    const s = new CheckpointSchedule(3);
    expect(s.due(['a'])).toEqual(['a']);
    s.rollback();
    expect(s.due(['a'])).toEqual(['a']);
    s.commit();
    const seen = [s.due(['a']), s.due(['a']), s.due(['a'])];
    expect(seen.filter((d) => d.includes('a'))).toHaveLength(1);
    s.loaded('b'); // restored from its row: only its slot
    expect([s.due(['b']), s.due(['b']), s.due(['b'])].flat().filter((k) => k === 'b')).toEqual([
      'b',
    ]);
  });
});
