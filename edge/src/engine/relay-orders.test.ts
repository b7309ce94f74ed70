import { upstreamBodySchemas } from '@gridbill/shared/sync';
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
import { openCommands } from './relay-commands.js';
import { RelayJournalRunner } from './relay-journal.js';
import { acceptRelayOrder, operatorOrder, type RelayOrder } from './relay-orders.js';

const Q = 900_000;
let fx: EngineFixture;
let runner: RelayJournalRunner | undefined;
afterEach(() => {
  runner?.stop();
  runner = undefined;
  fx?.close();
});

function order(over: Partial<RelayOrder> = {}): RelayOrder {
  const now = fx.clock.wallMs();
  return {
    orderId: 'ord-1',
    meterId: 'm1',
    action: 'disconnect',
    priority: 5,
    reason: 'field visit',
    issuedAtMs: now - 1_000,
    expiresAtMs: now + 3_600_000,
    ...over,
  };
}

/** Relay events in the outbox, parsed and schema-checked. */
function relayEvents(): Record<string, unknown>[] {
  return fx.engine.outbox
    .read(0, 10_000)
    .filter((r) => r.kind === 'relay-event')
    .map((r) => upstreamBodySchemas['relay-event'].parse(JSON.parse(r.body)));
}

function start(relay = new FakeRelay()): FakeRelay {
  runner = new RelayJournalRunner(fx.engine, relay);
  return relay;
}

describe('acceptRelayOrder', () => {
  it('runs an order through the journal; its outcome event has commandId = orderId', async () => {
    fx = engineFixture();
    const relay = start();
    const result = acceptRelayOrder(fx.engine, order(), 'feed');
    expect(result).toMatchObject({ outcome: 'accepted', commandId: 'ord-1' });
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents()).toEqual([
      {
        meterId: 'm1',
        commandId: 'ord-1',
        action: 'disconnect',
        outcome: 'done',
        reason: 'field visit',
        relayStateAfter: 'disconnected',
      },
    ]);
    expect(fx.engine.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
    const row = fx.engine.deps.db.prepare('SELECT status FROM relay_orders').pluck().get();
    expect(row).toBe('done');
    // the same order again (MQTT copy of a feed order): nothing more happens
    expect(acceptRelayOrder(fx.engine, order(), 'mqtt').outcome).toBe('duplicate');
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents()).toHaveLength(1);
  });

  it('refuses an expired order with an upstream event and changes nothing', () => {
    fx = engineFixture();
    const now = fx.clock.wallMs();
    const expired = order({ issuedAtMs: now - 7_200_000, expiresAtMs: now - 1 });
    expect(acceptRelayOrder(fx.engine, expired, 'feed')).toMatchObject({ outcome: 'expired' });
    expect(openCommands(fx.engine)).toEqual([]);
    expect(fx.engine.relays.get('m1')).toBeUndefined();
    expect(relayEvents()).toEqual([
      expect.objectContaining({ commandId: 'ord-1', outcome: 'expired', action: 'disconnect' }),
    ]);
  });

  it('refuses an order for a meter this gateway does not have', () => {
    fx = engineFixture();
    const result = acceptRelayOrder(fx.engine, order({ meterId: 'm-x' }), 'feed');
    expect(result).toMatchObject({ outcome: 'refused' });
    expect(result.detail).toMatch(/unknown meter "m-x"/);
    expect(relayEvents()).toEqual([expect.objectContaining({ relayStateAfter: 'unknown' })]);
  });

  it('a priority-9 lock blocks the credit reconnect and lower orders until unlocked', async () => {
    fx = engineFixture();
    const relay = start();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 700)]); // 1000 - 1400
    fx.clock.advance(600_000);
    ingestReadings(e, [snapshot('m1', T0 + 2 * Q, 700)]); // grace over: credit disconnect
    await runner?.idle();
    expect(e.relays.get('m1')?.policy.phase).toBe('DISCONNECTED');
    acceptRelayOrder(e, order({ orderId: 'lock-1', action: 'lock', priority: 9 }), 'feed');
    await runner?.idle();
    const low = acceptRelayOrder(e, order({ orderId: 'c-1', action: 'connect' }), 'feed');
    expect(low.outcome).toBe('refused');
    expect(low.detail).toMatch(/held by order lock-1 at priority 9/);
    // a top-up far above the reconnect threshold: credit logic (priority 0) may not reconnect
    e.transact(() => {
      e.balances.set('ACC-1001', 50_000n);
    });
    ingestReadings(e, [snapshot('m1', T0 + 3 * Q, 700)]);
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open', 'm1:open']);
    expect(e.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
    const unlock = acceptRelayOrder(
      e,
      order({ orderId: 'u-1', action: 'unlock', priority: 9 }),
      'feed',
    );
    expect(unlock).toMatchObject({ outcome: 'accepted', commandId: 'u-1' });
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open', 'm1:open', 'm1:close']);
    expect(e.relays.get('m1')?.policy.phase).toBe('CONNECTED');
    expect(relayEvents().map((r) => [r.commandId, r.outcome])).toEqual([
      [expect.stringMatching(/^cmd-/), 'done'],
      ['lock-1', 'done'],
      ['c-1', 'refused'],
      ['u-1', 'done'],
    ]);
  });

  it('unlocking a prepaid meter without credit leaves it open (credit logic)', async () => {
    fx = engineFixture();
    const relay = start();
    const e = fx.engine;
    acceptRelayOrder(e, order({ orderId: 'lock-1', action: 'lock', priority: 9 }), 'feed');
    await runner?.idle();
    e.transact(() => {
      e.balances.set('ACC-1001', -50n);
    });
    const unlock = acceptRelayOrder(
      e,
      order({ orderId: 'u-1', action: 'unlock', priority: 9 }),
      'feed',
    );
    expect(unlock.outcome).toBe('done');
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(e.relays.get('m1')?.policy.phase).toBe('DISCONNECTED');
    expect(relayEvents().at(-1)).toMatchObject({
      commandId: 'u-1',
      relayStateAfter: 'disconnected',
    });
  });

  it('postpaid: credit logic never disconnects, an order does', async () => {
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, {
          accounts: [
            { id: 'ACC-1001', mode: 'postpaid', tariffId: 'flat', openingBalanceMinor: 1000 },
          ],
        }),
    });
    const relay = start();
    const e = fx.engine;
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + Q, 5_000)]); // deep negative
    fx.clock.advance(3_600_000);
    ingestReadings(e, [snapshot('m1', T0 + 2 * Q, 5_000)]);
    await runner?.idle();
    expect(e.balanceOf('ACC-1001')).toBeLessThan(0n);
    expect(relay.sent).toEqual([]);
    expect(acceptRelayOrder(e, order(), 'feed').outcome).toBe('accepted');
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(e.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
  });

  it('an order pending across a restart completes after it', async () => {
    fx = engineFixture();
    acceptRelayOrder(fx.engine, order(), 'feed'); // no runner: the gateway stops here
    expect(openCommands(fx.engine).map((c) => [c.id, c.status])).toEqual([['ord-1', 'pending']]);
    fx.reopen();
    const relay = start();
    runner?.resume();
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents()).toEqual([
      expect.objectContaining({ commandId: 'ord-1', outcome: 'done' }),
    ]);
    expect(fx.engine.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
  });

  it('an order that expired while queued (gateway down) is dropped, not executed', async () => {
    fx = engineFixture();
    acceptRelayOrder(fx.engine, order({ expiresAtMs: fx.clock.wallMs() + 60_000 }), 'feed');
    expect(fx.engine.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
    fx.clock.advance(120_000); // the gateway was down past the order's expiry
    fx.reopen();
    const relay = start();
    runner?.resume();
    await runner?.idle();
    expect(relay.sent).toEqual([]); // never switched
    expect(relayEvents()).toEqual([
      expect.objectContaining({
        commandId: 'ord-1',
        outcome: 'expired',
        relayStateAfter: 'connected',
      }),
    ]);
    expect(fx.engine.relays.get('m1')?.policy.phase).toBe('CONNECTED'); // as read back
    const row = fx.engine.deps.db.prepare('SELECT status, holding FROM relay_orders').get();
    expect(row).toEqual({ status: 'expired', holding: 0 });
    expect(openCommands(fx.engine)).toEqual([]);
  });

  it('an untrusted clock far ahead does not expire a fresh order; monotonic time can', async () => {
    let trusted = true;
    fx = engineFixture({ clockTrusted: () => trusted });
    const fresh = order({ expiresAtMs: fx.clock.wallMs() + 60_000 });
    trusted = false;
    fx.clock.jumpWall(10 * 86_400_000); // the gateway clock jumped 10 days ahead
    expect(acceptRelayOrder(fx.engine, fresh, 'feed').outcome).toBe('accepted');
    fx.clock.advance(30_000); // half its life on the monotonic clock: still due
    expect(openCommands(fx.engine).map((c) => c.id)).toEqual(['ord-1']);
    fx.clock.advance(40_000); // past its 61 s life since it arrived: dropped, never sent
    const relay = start();
    runner?.resume();
    await runner?.idle();
    expect(relay.sent).toEqual([]);
    expect(relayEvents()).toEqual([expect.objectContaining({ outcome: 'expired' })]);
  });

  it('an untrusted clock far behind does not keep an order alive past its life', async () => {
    fx = engineFixture({ clockTrusted: () => false });
    const o = order({ orderId: 'ord-2', expiresAtMs: fx.clock.wallMs() + 60_000 });
    fx.clock.jumpWall(-400 * 86_400_000); // the wall clock reads a year ago
    expect(acceptRelayOrder(fx.engine, o, 'feed').outcome).toBe('accepted');
    fx.clock.advance(120_000);
    const relay = start();
    runner?.resume();
    await runner?.idle();
    expect(relay.sent).toEqual([]);
    expect(relayEvents()).toEqual([
      expect.objectContaining({ commandId: 'ord-2', outcome: 'expired' }),
    ]);
  });

  it('after a restart on an untrusted clock an unsent disconnect is dropped', async () => {
    fx = engineFixture({ clockTrusted: () => false });
    acceptRelayOrder(fx.engine, order(), 'feed'); // no runner: the gateway stops here
    fx.reopen(); // its monotonic deadline is gone and the wall clock cannot say
    const relay = start();
    runner?.resume();
    await runner?.idle();
    expect(relay.sent).toEqual([]);
    expect(relayEvents()).toEqual([
      expect.objectContaining({ commandId: 'ord-1', outcome: 'expired' }),
    ]);
  });

  it('an operator order goes through the same entry point', async () => {
    fx = engineFixture();
    const relay = start();
    const result = operatorOrder(fx.engine, 'm1', 'open', 'meter swap');
    expect(result).toMatchObject({ outcome: 'accepted', commandId: expect.stringMatching(/^op-/) });
    await runner?.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents()).toEqual([
      expect.objectContaining({ commandId: result.orderId, reason: 'operator: meter swap' }),
    ]);
  });
});
