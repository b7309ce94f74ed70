import { intervalBlockBodySchema, upstreamBodySchemas } from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import { signToken, tokenKeyPairFromSeed, tokenPublicKeyRaw } from '@gridbill/shared/token';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  FakeRelay,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from './ingest.js';
import { redeemToken } from './redeem-token.js';
import { openCommands } from './relay-commands.js';
import { RelayJournalRunner } from './relay-journal.js';
import { evaluateAll, switchAccountMode } from './relay-policy.js';

const Q = 900_000;
let fx: EngineFixture;
afterEach(() => fx?.close());

function outboxKinds(): string[] {
  return fx.engine.outbox.read(0, 10_000).map((r) => r.kind);
}

function checkOutbox(): void {
  const rows = fx.engine.outbox.read(0, 100_000);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  for (const r of rows) {
    const schema = upstreamBodySchemas[r.kind];
    const parsed = schema.safeParse(JSON.parse(r.body));
    expect(parsed.success, `${r.kind} ${r.body} ${parsed.error?.message}`).toBe(true);
  }
}

describe('ingestReadings', () => {
  it('stores, rates once and moves the balance, with schema-valid outbox events', () => {
    fx = engineFixture();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 10_000), snapshot('m1', T0 + Q, 10_250)]);
    expect(e.balanceOf('ACC-1001')).toBe(1000n - 500n); // 250 Wh × 2000/kWh
    ingestReadings(e, [snapshot('m1', T0 + Q, 10_250)]); // replay: nothing
    expect(e.balanceOf('ACC-1001')).toBe(500n);
    // the opening balance is configuration, not an event; 500 is at the warn threshold.
    // The cycle is one block (2 reads, 1 rated interval, the account's movement).
    expect(outboxKinds()).toEqual(['interval-block', 'alarm']);
    checkOutbox();
    const block = intervalBlockBodySchema.parse(JSON.parse(e.outbox.read(0, 1)[0]?.body ?? ''));
    expect(block.reads.valueWh).toEqual([10_000, 10_250]);
    expect(block.intervals).toMatchObject({ energyWh: [250], amountMinor: ['500'], account: [0] });
    expect(block.balances).toEqual({
      account: [0],
      amountMinor: ['-500'],
      balanceAfterMinor: ['500'],
    });
    const charge = e.deps.db.prepare('SELECT id, amount_minor FROM charges').get();
    expect(charge).toEqual({
      id: chargeId('m1', T0, block.tariffVersionIds[0] ?? ''),
      amount_minor: '500',
    });
    // persisted: a reopened engine has the same balance and VEE state
    expect(fx.reopen().balanceOf('ACC-1001')).toBe(500n);
    expect(fx.engine.vee.get('m1')?.lastValueWh).toBe(10_250);
  });

  it('estimates short gaps, conserves energy and rates each interval exactly once', () => {
    fx = engineFixture();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + 3 * Q, 31)]);
    const rows = e.deps.db
      .prepare('SELECT energy_wh, flags FROM intervals ORDER BY start_ms')
      .all();
    expect(rows).toEqual([
      { energy_wh: 11, flags: 'estimated,snapshot' },
      { energy_wh: 10, flags: 'estimated,snapshot' },
      { energy_wh: 10, flags: 'estimated,snapshot' },
    ]);
    expect(e.deps.db.prepare('SELECT count(*) FROM charges').pluck().get()).toBe(3);
    checkOutbox();
  });

  it('a second poll near the same interval boundary is provisional, not quarantined', () => {
    // near-threshold meters are polled every minute: two reads can fall within the alignment
    // tolerance of one boundary (30 s before and 30 s after it)
    fx = engineFixture();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 1_000), snapshot('m1', T0 + Q - 30_000, 1_240)]);
    ingestReadings(e, [snapshot('m1', T0 + Q + 30_000, 1_260)]);
    expect(e.deps.db.prepare('SELECT count(*) FROM quarantine').pluck().get()).toBe(0);
    ingestReadings(e, [snapshot('m1', T0 + 2 * Q, 1_500)]);
    const intervals = e.deps.db.prepare('SELECT energy_wh FROM intervals ORDER BY start_ms');
    expect(intervals.pluck().all()).toEqual([240, 260]);
    checkOutbox();
  });

  it('quarantines an impossible value, logs it, and goes on with the cycle', () => {
    fx = engineFixture();
    const e = fx.engine;
    ingestReadings(e, [
      snapshot('m1', T0, 5_000),
      snapshot('ghost', T0, 1), // unknown meter: skipped
      snapshot('m1', T0 + Q, 4_000), // register went backwards
      snapshot('m1', T0 + 2 * Q, 5_100),
    ]);
    expect(e.deps.db.prepare('SELECT reason FROM quarantine').pluck().all()).toEqual([
      'register_decrease',
    ]);
    expect(e.deps.db.prepare('SELECT sum(energy_wh) FROM intervals').pluck().get()).toBe(100);
    checkOutbox();
  });

  it('rolls back memory and store together when the cycle fails', () => {
    fx = engineFixture();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0)]);
    const seq = e.outbox.lastSeq();
    const bad = { ...snapshot('m1', T0 + Q, 100), meterId: 'm1' };
    // force a failure inside the transaction, after rating (when the cycle's rows are written)
    e.deps.db.exec(
      "CREATE TRIGGER fail BEFORE INSERT ON cycle_records BEGIN SELECT RAISE(ABORT, 'forced'); END",
    );
    expect(() => ingestReadings(e, [bad])).toThrow();
    expect(e.outbox.lastSeq()).toBe(seq);
    expect(e.vee.get('m1')?.lastValueWh).toBe(0);
    expect(e.balanceOf('ACC-1001')).toBe(1000n);
    e.deps.db.exec('DROP TRIGGER fail');
    ingestReadings(e, [bad]); // the same cycle again: rated once, one more block
    expect(e.balanceOf('ACC-1001')).toBe(800n);
    expect(outboxKinds()).toEqual(['interval-block', 'interval-block']);
  });

  it('cuts a cycle of more than 5,000 rows into blocks, each row in exactly one', () => {
    fx = engineFixture();
    const e = fx.engine;
    const profile = Array.from({ length: 5_002 }, (_, k) => ({
      ...snapshot('m1', T0 - (5_002 - k) * Q, 1_000 + k * 2), // a catch-up of the past
      source: 'profile' as const,
    }));
    ingestReadings(e, profile);
    const blocks = e.outbox
      .read(0, 100_000)
      .filter((r) => r.kind === 'interval-block')
      .map((r) => intervalBlockBodySchema.parse(JSON.parse(r.body)));
    expect(blocks).toHaveLength(2);
    expect(blocks.map((b) => b.reads.meter.length)).toEqual([5_000, 2]);
    for (const b of blocks) expect(b.intervals.meter.length).toBeLessThanOrEqual(5_000);
    const starts = blocks.flatMap((b) => b.intervals.startMs);
    expect(new Set(starts).size).toBe(5_001);
    checkOutbox();
  });

  it('writes one outbox block per cycle for all meters, balances netted per account', () => {
    fx = engineFixture();
    const e = fx.engine;
    const meters = [...e.meters.keys()];
    ingestReadings(
      e,
      meters.map((m) => snapshot(m, T0, 1_000)),
    );
    const before = e.outbox.lastSeq();
    ingestReadings(
      e,
      meters.flatMap((m) => [snapshot(m, T0 + Q, 1_010), snapshot(m, T0 + 2 * Q, 1_030)]),
    );
    const rows = e.outbox.read(before, 100).filter((r) => r.kind === 'interval-block');
    expect(rows).toHaveLength(1);
    const body = intervalBlockBodySchema.parse(JSON.parse(rows[0]?.body ?? ''));
    expect(body.intervals.meter).toHaveLength(2 * meters.length);
    expect(body.reads.meter).toHaveLength(2 * meters.length);
    const charged = e.deps.db.prepare('SELECT count(*) FROM charges').pluck().get();
    expect(body.intervals.account.filter((a: number) => a >= 0)).toHaveLength(charged as number);
    for (const [i, a] of body.balances.account.entries())
      expect(BigInt(body.balances.balanceAfterMinor[i] ?? '')).toBe(
        e.balanceOf(body.accountIds[a] ?? ''),
      );
    checkOutbox();
  });
});

describe('credit enforcement', () => {
  it('warns, disconnects after grace, reconnects after a token, never twice', async () => {
    const key = tokenKeyPairFromSeed('k1', new Uint8Array(32).fill(7));
    const publicKey = Buffer.from(tokenPublicKeyRaw(key.publicKey)).toString('hex');
    fx = engineFixture({
      config: (dir) => baseConfig(dir, { tokens: { publicKeys: [{ kid: 'k1', publicKey }] } }),
    });
    const e = fx.engine;
    const relay = new FakeRelay();
    const runner = new RelayJournalRunner(e, relay);
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 300)]); // 1000 - 600
    expect(outboxKinds().filter((k) => k === 'alarm')).toHaveLength(1); // warn
    ingestReadings(e, [snapshot('m1', T0 + 2 * Q, 600)]); // -200
    expect(e.relays.get('m1')?.policy.phase).toBe('GRACE');
    fx.clock.advance(599_000);
    evaluateAll(e);
    expect(openCommands(e)).toHaveLength(0);
    fx.clock.advance(1_000);
    evaluateAll(e);
    expect(openCommands(e).map((c) => c.action)).toEqual(['open']);
    runner.kick();
    await runner.idle();
    expect(e.relays.get('m1')?.policy.phase).toBe('DISCONNECTED');
    expect(relay.outputs.get('m1')).toBe('open');

    const token = {
      tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3b',
      keyId: 'k1',
      gatewayId: 'gw-001',
      accountId: 'ACC-1001',
      amountMinor: 5_000n,
      currency: 'KES',
      issuedAtMs: T0,
      expiresAtMs: T0 + 86_400_000,
    };
    const text = signToken(token, key.privateKey);
    expect(redeemToken(e, text)).toMatchObject({ ok: true, balanceMinor: 4_800n });
    expect(redeemToken(e, text)).toMatchObject({ ok: false, reason: 'already-redeemed' });
    expect(e.balanceOf('ACC-1001')).toBe(4_800n);
    runner.kick();
    await runner.idle();
    expect(e.relays.get('m1')?.policy.phase).toBe('CONNECTED');
    expect(relay.sent).toEqual(['m1:open', 'm1:close']);
    checkOutbox();

    const forged = `${text.slice(0, -4)}AAAA`;
    expect(redeemToken(e, forged)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const other = signToken(
      { ...token, tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3c', gatewayId: 'gw-002' },
      key.privateKey,
    );
    expect(redeemToken(e, other)).toMatchObject({ ok: false, reason: 'wrong-gateway' });
    const expired = signToken(
      { ...token, tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3d', expiresAtMs: T0 + 1 },
      key.privateKey,
    );
    expect(redeemToken(e, expired)).toMatchObject({ ok: false, reason: 'expired' });
    redeemToken(e, 'garbage!');
    const fresh = signToken(
      { ...token, tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3e' },
      key.privateKey,
    );
    expect(redeemToken(e, fresh)).toMatchObject({ ok: false, reason: 'locked-out' });
    expect(e.balanceOf('ACC-1001')).toBe(4_800n);
  });

  it('a stuck relay ends in RELAY_FAULT after the retries', async () => {
    fx = engineFixture();
    const e = fx.engine;
    const relay = new FakeRelay();
    relay.stuck = true;
    const runner = new RelayJournalRunner(e, relay);
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 900)]);
    fx.clock.advance(600_000);
    evaluateAll(e);
    runner.kick();
    for (let i = 0; i < 10 && runner.busy(); i++) {
      await new Promise((r) => setImmediate(r));
      fx.clock.advance(10_000);
    }
    await runner.idle();
    expect(relay.sent).toEqual(['m1:open', 'm1:open', 'm1:open']);
    expect(e.relays.get('m1')?.policy.phase).toBe('RELAY_FAULT');
    const codes = e.outbox
      .read(0, 1000)
      .filter((r) => r.kind === 'alarm')
      .map((r) => JSON.parse(r.body).code);
    expect(codes).toContain('relay-fault');
    checkOutbox();
  });

  it('caps credit disconnections per window, across a restart', () => {
    const accounts = ['A', 'B', 'C'].map((id) => ({ id, mode: 'prepaid', tariffId: 'flat' }));
    const meters = ['A', 'B', 'C'].map((id) => ({
      id: `m${id}`,
      protocol: 'modbus',
      bus: 'tcp',
      profile: 'gridbill-prepaid',
      host: 'h',
      accountId: id,
    }));
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, {
          accounts,
          meters,
          relayPolicy: {
            graceSeconds: 0,
            massDisconnect: { maxDisconnects: 2, windowSeconds: 3_600 },
            protectedWindows: {
              weekends: false,
              holidays: [],
              nightStartMinute: 0,
              nightEndMinute: 0,
            },
          },
        }),
    });
    const read = (k: number, wh: number) =>
      ['A', 'B'].map((id) => snapshot(`m${id}`, T0 + k * Q, wh));
    ingestReadings(fx.engine, [...read(0, 0), ...read(1, 100)]);
    expect(openCommands(fx.engine)).toHaveLength(2);
    const e = fx.reopen(); // the cap is restored from the journal
    ingestReadings(e, [snapshot('mC', T0, 0), snapshot('mC', T0 + Q, 100)]);
    expect(openCommands(e)).toHaveLength(2);
    expect(e.relays.get('mC')?.policy.phase).toBe('GRACE');
    const codes = e.outbox
      .read(0, 100)
      .map((r) => (r.kind === 'alarm' ? JSON.parse(r.body).code : ''));
    expect(codes).toContain('mass-disconnect-cap');
  });

  it('hybrid accounts follow their active mode', () => {
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, {
          accounts: [{ id: 'ACC-1001', mode: 'hybrid', activeMode: 'postpaid', tariffId: 'flat' }],
          relayPolicy: {
            graceSeconds: 0,
            protectedWindows: {
              weekends: false,
              holidays: [],
              nightStartMinute: 0,
              nightEndMinute: 0,
            },
          },
        }),
    });
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 500)]);
    expect(openCommands(e)).toHaveLength(0); // postpaid: no credit enforcement
    switchAccountMode(e, 'ACC-1001', 'prepaid');
    expect(openCommands(e).map((c) => c.action)).toEqual(['open']);
    expect(() => switchAccountMode(e, 'nobody', 'prepaid')).toThrow(/unknown account/);
  });

  it('postpaid accounts are only switched by orders', () => {
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, {
          accounts: [
            { id: 'ACC-1001', mode: 'postpaid', tariffId: 'flat', openingBalanceMinor: 0 },
          ],
        }),
    });
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 5_000)]);
    fx.clock.advance(3_600_000);
    evaluateAll(e);
    expect(e.balanceOf('ACC-1001')).toBe(-10_000n);
    expect(openCommands(e)).toHaveLength(0);
  });
});
