import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  FakeRelay,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { createMetrics } from '../gateway/metrics.js';
import { Poller } from '../polling/poller.js';
import { ingestReadings } from './ingest.js';
import { RelayJournalRunner } from './relay-journal.js';
import { acceptRelayOrder } from './relay-orders.js';
import { evaluateAll } from './relay-policy.js';
import { InvariantError } from './safe-mode.js';

const Q = 900_000;
const GRACE_MS = 600_000;
let fx: EngineFixture;
let runner: RelayJournalRunner | undefined;
afterEach(() => {
  runner?.stop();
  runner = undefined;
  fx?.close();
});

/** A prepaid meter whose balance ran out: in GRACE, the disconnect due once grace ends. */
function inGrace(opts: Parameters<typeof engineFixture>[0] = {}): FakeRelay {
  fx = engineFixture(opts);
  const relay = new FakeRelay();
  runner = new RelayJournalRunner(fx.engine, relay);
  ingestReadings(fx.engine, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 700)]); // -400
  expect(fx.engine.relays.get('m1')?.policy.phase).toBe('GRACE');
  return relay;
}

function alarms(): { code: string; message: string }[] {
  return fx.engine.outbox
    .read(0, 10_000)
    .filter((r) => r.kind === 'alarm')
    .map((r) => JSON.parse(r.body));
}

function count(table: string): number {
  return fx.engine.deps.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Grace is over: outside safe mode this evaluation would disconnect. */
async function graceOverAndEvaluate(): Promise<void> {
  fx.clock.advance(GRACE_MS + 1_000);
  try {
    evaluateAll(fx.engine);
  } catch {
    // a full disk may refuse the evaluation's own write; no disconnect either way
  }
  await runner?.idle();
}

describe('safe mode', () => {
  it('disk full: the transaction rolls back, no disconnect, leaves by itself', async () => {
    const relay = inGrace();
    const e = fx.engine;
    const db = e.deps.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const readings = count('readings');
    const balance = e.balanceOf('ACC-1001');
    const many = Array.from({ length: 200 }, (_, i) => snapshot('m1', T0 + (i + 2) * Q, 700 + i));
    expect(() => ingestReadings(e, many)).toThrow(/full/);
    expect([count('readings'), e.balanceOf('ACC-1001')]).toEqual([readings, balance]);
    expect(e.safe.causes().map((c) => c.cause)).toEqual(['disk-full']);
    expect(e.safeMode).toBe(true);
    expect(e.safe.rejectedTransactions).toBe(1);
    await graceOverAndEvaluate();
    expect(acceptRelayOrder(e, order('o-1'), 'feed').outcome).not.toBe('accepted');
    e.safe.tick(); // still full: stays
    expect(e.safeMode).toBe(true);
    await runner?.idle();
    expect(relay.sent).toEqual([]);

    db.pragma('max_page_count = 1073741823'); // space again
    e.safe.tick();
    expect(e.safeMode).toBe(false);
    expect(alarms().map((a) => a.code)).toEqual(
      expect.arrayContaining(['safe-mode-entered', 'safe-mode-left']),
    );
    evaluateAll(e);
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']); // the held disconnect goes once safe mode ends
  });

  it('clock untrusted beyond the configured limit; clears when the clock is trusted', async () => {
    let trusted = true;
    const relay = inGrace({
      clockTrusted: () => trusted,
      config: (dir) => baseConfig(dir, { relayPolicy: { clockUntrustedSafeModeSeconds: 3_600 } }),
    });
    const e = fx.engine;
    trusted = false;
    e.safe.tick();
    fx.clock.advance(3_599_000);
    e.safe.tick();
    expect(e.safeMode).toBe(false);
    fx.clock.advance(1_000);
    e.safe.tick();
    expect(e.safe.causes()).toEqual([
      expect.objectContaining({
        cause: 'clock-untrusted',
        reason: expect.stringMatching(/3600 s/),
      }),
    ]);
    expect(alarms().at(-1)).toMatchObject({ code: 'safe-mode-entered' });
    await graceOverAndEvaluate();
    expect(relay.sent).toEqual([]);
    trusted = true;
    e.safe.tick();
    expect(e.safeMode).toBe(false);
  });

  it('untrusted time adds up across restarts (a power cut often takes the clock too)', () => {
    fx = engineFixture({
      clockTrusted: () => false,
      config: (dir) => baseConfig(dir, { relayPolicy: { clockUntrustedSafeModeSeconds: 3_600 } }),
    });
    fx.engine.safe.tick();
    fx.clock.advance(2_400_000); // 40 minutes untrusted, then the gateway restarts
    fx.engine.safe.tick();
    fx.reopen().safe.tick();
    fx.clock.advance(1_200_000); // 20 more minutes: 60 in all
    fx.engine.safe.tick();
    expect(fx.engine.safe.causes()).toEqual([
      expect.objectContaining({
        cause: 'clock-untrusted',
        reason: expect.stringMatching(/3600 s/),
      }),
    ]);
  });

  it('a balance mismatch holds until the operator clears it, across a restart', async () => {
    const relay = inGrace();
    const e = fx.engine;
    // the stored balance damaged: its checkpoint row, past every cycle record
    e.deps.db
      .prepare(
        "UPDATE balances SET balance_minor = '123456', " +
          'through_seq = (SELECT max(seq) FROM cycle_records)',
      )
      .run();
    e.safe.tick();
    expect(e.safe.causes()).toEqual([
      expect.objectContaining({
        cause: 'assertion',
        reason: expect.stringMatching(/-400 in memory, 123456 stored/),
      }),
    ]);
    await graceOverAndEvaluate();
    expect(relay.sent).toEqual([]);
    runner?.stop();
    const again = fx.reopen(); // memory now agrees with the store, the cause stays recorded
    expect(again.safe.causes().map((c) => c.cause)).toEqual(['assertion']);
    again.safe.tick();
    expect(again.safeMode).toBe(true);
    again.safe.leave('all', 'operator: store checked');
    expect(again.safeMode).toBe(false);
    expect(fx.reopen().safeMode).toBe(false);
  });

  it('an InvariantError thrown in a transaction enters safe mode (assertion)', () => {
    fx = engineFixture();
    const e = fx.engine;
    expect(() =>
      e.transact(() => {
        throw new InvariantError('charge sum 10 != kernel total 11');
      }),
    ).toThrow(InvariantError);
    expect(e.safe.causes()).toEqual([
      expect.objectContaining({ cause: 'assertion', reason: 'charge sum 10 != kernel total 11' }),
    ]);
  });

  it('shows in the status document and the Prometheus metrics', async () => {
    fx = engineFixture();
    const e = fx.engine;
    e.safe.enter('manual', 'operator: restored from backup');
    const metrics = createMetrics(e, new Poller(e, new Map()), new Map());
    const text = await metrics.registry.metrics();
    expect(text).toContain('gridbill_edge_safe_mode 1');
    expect(text).toContain('gridbill_edge_safe_mode_cause{cause="manual"} 1');
    expect(text).toContain('gridbill_edge_safe_mode_episodes 1');
  });
});

function order(orderId: string) {
  const now = fx.clock.wallMs();
  return {
    orderId,
    meterId: 'm1',
    action: 'disconnect' as const,
    priority: 5,
    reason: 'central',
    issuedAtMs: now,
    expiresAtMs: now + 60_000,
  };
}
