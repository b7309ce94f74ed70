/**
 * Scenario 1 of issue 9 with real processes and sockets: a prepaid customer runs out → the
 * gateway opens the relay at the simulated meter after the grace period → a cashier posts a
 * payment in central → the customer enters the top-up token that payment issued at the
 * gateway → the relay closes at the simulated meter within RECONNECT_BOUND_MS (real time).
 * A retried payment (same Idempotency-Key) and a replayed token credit nothing twice; the
 * gateway's outbox shows the disconnect came at least the grace period after the balance ran
 * out, and exactly one disconnect and one reconnect.
 */
import { intervalBlockBodySchema } from '@gridbill/shared/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayDb } from './gateway-db.js';
import { simRelayClosed } from './sim-meter.js';
import { type Stack, startStack } from './stack.js';
import { realClock, waitFor } from './wait-for.js';

const SPEED = 600; // 10 simulated minutes per real second; grace 600 s → 1 s real
/** Payment → relay closed at the meter: the token check, one policy tick, one relay write. */
const RECONNECT_BOUND_MS = 15_000;
const GRACE_SECONDS = 600; // the demo plan's relay policy
const METER = 'm-0002'; // prepaid, opening balance 130 fen (demo plan: near zero)

describe('prepaid customer runs out, pays at the counter, is reconnected', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ meterCount: 3, speed: SPEED, pollEverySeconds: 900 });
  }, 120_000);
  afterAll(async () => stack?.close(), 30_000);

  it('opens the relay after grace, then closes it within the bound after the payment', async () => {
    const { accountId, accountNumber } = stack.ids(METER);
    expect(await simRelayClosed(stack, METER)).toBe(true);
    await stack.simPost(`/api/meters/${METER}/load`, { kW: 6 }); // runs out within minutes
    await waitFor(
      'relay open at the simulated meter',
      async () => ((await simRelayClosed(stack, METER)) ? undefined : true),
      45_000,
    );
    // the relay is open at the meter before the gateway has read it back (DISCONNECT_PENDING)
    const before = await waitFor(
      'gateway phase DISCONNECTED after the read-back',
      async () => {
        const status = await stack.edgeStatus();
        const phase = status.meters.find((m) => m.accountId === accountId)?.relayPhase;
        return phase === 'DISCONNECTED' ? status : undefined;
      },
      10_000,
      50,
    );
    const balanceBefore = BigInt(
      before.balances.find((b) => b.accountId === accountId)!.balanceMinor,
    );
    expect(balanceBefore <= 0n).toBe(true);

    const payment = {
      channel: 'counter',
      accountNumber,
      amountMinor: 2_000,
      currency: 'CNY',
      reason: 'counter payment',
    };
    const key = { 'idempotency-key': `e2e-pay-${accountNumber}` };
    const paidAtMs = realClock.monoMs();
    const paid = await stack.cashier.call('POST', '/api/payments', payment, key);
    const token = tokenOf(paid);
    const redeemed = await redeem(stack, token);
    expect(redeemed.status).toBe(200);
    await waitFor(
      'relay closed at the simulated meter',
      async () => ((await simRelayClosed(stack, METER)) ? true : undefined),
      RECONNECT_BOUND_MS,
      100,
    );
    const elapsedMs = realClock.monoMs() - paidAtMs;
    expect(elapsedMs).toBeLessThan(RECONNECT_BOUND_MS);
    process.stdout.write(`payment → relay closed at the meter: ${Math.round(elapsedMs)} ms\n`);

    // the same payment retried and the same token entered again credit nothing more
    const retried = await stack.cashier.call('POST', '/api/payments', payment, key);
    expect(tokenOf(retried)).toBe(token);
    expect((await redeem(stack, token)).status).not.toBe(200);
    const after = await stack.edgeStatus();
    const balanceAfter = BigInt(
      after.balances.find((b) => b.accountId === accountId)!.balanceMinor,
    );
    expect(balanceAfter - balanceBefore <= 2_000n).toBe(true);
    expect(balanceAfter - balanceBefore > 1_000n).toBe(true); // credited once, minus usage

    // the gateway's own record: disconnect only after the grace period, one of each command
    const outbox = readGatewayDb(stack.edgeDbFile).outbox;
    const { meterId } = stack.ids(METER);
    // the first event leaving the account at or below zero: a cycle's interval block (charges
    // move balances per account inside it) or a balance change (the day's standing charge)
    const ranOut = outbox.find((e) => balanceAfterEvent(e, accountId) <= 0n);
    const relay = outbox.filter((e) => e.kind === 'relay-event' && e.body.meterId === meterId);
    expect(relay.map((e) => `${e.body.action}:${e.body.outcome}`)).toEqual([
      'disconnect:done',
      'connect:done',
    ]);
    const graceMs = relay[0]!.occurredAtMs - ranOut!.occurredAtMs;
    expect(graceMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    const tokens = outbox.filter(
      (e) =>
        e.kind === 'balance-change' &&
        e.body.accountId === accountId &&
        e.body.entryKind === 'token',
    );
    expect(tokens.map((e) => e.body.entryId)).toEqual([paid.entryId]);
  }, 90_000);
});

const NOT_MOVED = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The account's balance after an outbox event: a block's `balances` section, a balance
 * change's `balanceAfterMinor`; +∞ when the event did not move it.
 */
function balanceAfterEvent(e: { kind: string; body: Record<string, unknown> }, accountId: string) {
  const body = e.body;
  if (e.kind === 'balance-change') {
    return body.accountId === accountId ? BigInt(body.balanceAfterMinor as string) : NOT_MOVED;
  }
  if (e.kind !== 'interval-block') return NOT_MOVED;
  const block = intervalBlockBodySchema.parse(body);
  const ids = block.accountIds;
  const b = block.balances;
  const row = b.account.findIndex((a) => ids[a] === accountId);
  return row < 0 ? NOT_MOVED : BigInt(b.balanceAfterMinor[row] ?? '0');
}

function tokenOf(payment: Record<string, unknown>): string {
  const topUp = payment.topup as { token?: string } | undefined;
  if (!topUp?.token) throw new Error(`payment has no top-up token: ${JSON.stringify(payment)}`);
  return topUp.token;
}

async function redeem(stack: Stack, token: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${stack.edgeUrl}/api/tokens/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return { status: res.status, body: await res.text() };
}
