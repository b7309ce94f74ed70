/**
 * Scenario 1 of issue 9 through the sync feed, with real processes and sockets: the gateway
 * syncs with central (signed requests); a prepaid customer runs out → the relay opens at the
 * simulated meter after grace → a cashier posts a payment in central → the gateway pulls the
 * credit from central's change feed (no token typed in) → the relay closes at the simulated
 * meter within RECONNECT_BOUND_MS of real time. A retried payment credits nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayDb } from './gateway-db.js';
import { simRelayClosed } from './sim-meter.js';
import { type Stack, startStack } from './stack.js';
import { realClock, waitFor } from './wait-for.js';

const SPEED = 600;
/** Payment → relay closed: one pull period (600 simulated s = 1 s real), policy, relay write. */
const RECONNECT_BOUND_MS = 15_000;
const METER = 'm-0002';

describe('prepaid customer pays at the counter, credit reaches the gateway by sync', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ meterCount: 3, speed: SPEED, pollEverySeconds: 900, sync: true });
  }, 120_000);
  afterAll(async () => stack?.close(), 30_000);

  it('closes the relay within the bound after the payment, crediting once', async () => {
    const { accountId, accountNumber } = stack.ids(METER);
    await stack.simPost(`/api/meters/${METER}/load`, { kW: 6 });
    await waitFor(
      'relay open at the simulated meter',
      async () => ((await simRelayClosed(stack, METER)) ? undefined : true),
      45_000,
    );

    const payment = {
      channel: 'counter',
      accountNumber,
      amountMinor: 2_000,
      currency: 'CNY',
      reason: 'counter payment',
    };
    const key = { 'idempotency-key': `e2e-feed-${accountNumber}` };
    const paidAtMs = realClock.monoMs();
    const paid = await stack.cashier.call('POST', '/api/payments', payment, key);
    await waitFor(
      'relay closed at the simulated meter',
      async () => ((await simRelayClosed(stack, METER)) ? true : undefined),
      RECONNECT_BOUND_MS,
      100,
    );
    const elapsedMs = realClock.monoMs() - paidAtMs;
    expect(elapsedMs).toBeLessThan(RECONNECT_BOUND_MS);
    const ms = Math.round(elapsedMs);
    process.stdout.write(`payment → synced credit → relay closed: ${ms} ms\n`);

    const retried = await stack.cashier.call('POST', '/api/payments', payment, key);
    expect(retried.entryId).toBe(paid.entryId);
    await realClock.sleep(3_000); // three more pull periods
    const credits = readGatewayDb(stack.edgeDbFile).redeemed.filter(
      (t) => t.accountId === accountId,
    );
    expect(credits.map((t) => [t.tokenId, t.amountMinor])).toEqual([[paid.entryId, 2_000n]]);
  }, 90_000);
});
