import { afterEach, describe, expect, it } from 'vitest';
import {
  type EngineFixture,
  engineFixture,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from '../engine/ingest.js';
import { applyRetention } from './retention.js';

const Q = 900_000;
const DAY = 86_400_000;
const CYCLES = 3 * 96; // three days of 15-minute cycles
let fx: EngineFixture;
afterEach(() => fx?.close());

const one = (sql: string) => fx.engine.deps.db.prepare(sql).pluck().get() as number;

/** Three days of cycles for m1 (each rated); returns the store's outbox head. */
function threeDays(): number {
  fx = engineFixture({ wallMs: T0 + (CYCLES + 4) * Q });
  for (let k = 0; k <= CYCLES; k++)
    ingestReadings(fx.engine, [snapshot('m1', T0 + k * Q, 1_000 + 10 * k)]);
  return fx.engine.outbox.lastSeq();
}

describe('retention of cycle records', () => {
  it('deletes records older than the cutoff once acknowledged; a start rebuilds the same', () => {
    const head = threeDays();
    fx.engine.outbox.ack(head);
    const before = {
      balance: fx.engine.balanceOf('ACC-1001'),
      vee: fx.engine.vee.get('m1'),
      marks: fx.engine.meterLog.marks.get('m1'),
    };
    const records = one('SELECT count(*) FROM cycle_records');
    const removed = applyRetention(fx.engine.deps.db, T0 + 2 * DAY);
    expect(removed.cycleRecords).toBeGreaterThan(150); // most of the first two days
    expect(one('SELECT count(*) FROM cycle_records')).toBe(records - removed.cycleRecords);
    expect(one('SELECT min(last_capture_ms) FROM cycle_records')).toBeGreaterThan(T0 + DAY);
    // nothing a start needs was deleted: same state after a restart, and it goes on
    const e = fx.reopen();
    expect(e.balanceOf('ACC-1001')).toBe(before.balance);
    expect(e.vee.get('m1')).toEqual(before.vee);
    expect(e.meterLog.marks.get('m1')).toEqual(before.marks);
    const next = ingestReadings(e, [
      snapshot('m1', T0 + CYCLES * Q, 1_000 + 10 * CYCLES), // a re-poll: still a duplicate
      snapshot('m1', T0 + (CYCLES + 1) * Q, 1_000 + 10 * (CYCLES + 1)),
    ]);
    expect(next).toMatchObject({ stored: 1, duplicates: 1, charges: 1 });
  });

  it('keeps every record while central has not acknowledged a block', () => {
    const head = threeDays();
    fx.engine.outbox.ack(head - 1); // the newest block is still pending
    expect(applyRetention(fx.engine.deps.db, T0 + 2 * DAY).cycleRecords).toBe(0);
    fx.engine.outbox.ack(head);
    expect(applyRetention(fx.engine.deps.db, T0 + 2 * DAY).cycleRecords).toBeGreaterThan(0);
  });

  it('keeps the records a checkpoint replays, whatever their age', () => {
    const head = threeDays();
    fx.engine.outbox.ack(head);
    // a meter checkpoint held back to record 5: records from 5 on are replayed at start
    fx.engine.deps.db.prepare("UPDATE meter_state SET through_seq = 5 WHERE meter_id = 'm1'").run();
    applyRetention(fx.engine.deps.db, T0 + 3 * DAY);
    expect(one('SELECT min(seq) FROM cycle_records')).toBe(5);
  });
});
