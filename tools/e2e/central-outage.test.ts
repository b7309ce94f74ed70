/**
 * Scenario 2 of issue 9 with real processes and sockets: central is stopped for a simulated
 * day (time runs 1 800× in the simulator and the gateway; opening credit = counter payments
 * that reach the gateway through the change feed) → the gateway keeps reading, rating
 * and enforcing (its status API: readings advance, outbox lag grows, a prepaid customer who
 * runs out is disconnected at the simulated meter) → central returns → both sides converge:
 * outbox fully acknowledged, equal balances per account (central's API vs the gateway's status
 * API) and equal ledger entry-id sets (central's store vs the gateway's non-zero charges and
 * credits), no duplicates.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralChargeIds, centralEntryIds } from './central-db.js';
import { readGatewayDb } from './gateway-db.js';
import { simRelayClosed } from './sim-meter.js';
import { type Stack, startStack } from './stack.js';
import { waitFor } from './wait-for.js';

const SPEED = 1_800; // one simulated day = 48 s real
const DAY_MS = 86_400_000;
const TOP_UPS = new Map([
  ['m-0001', 20_000],
  ['m-0002', 300],
  ['m-0003', 20_000],
]);

describe('central down for a simulated day', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      meterCount: TOP_UPS.size,
      speed: SPEED,
      pollEverySeconds: 900,
      sync: true,
      tweak: (c) => {
        for (const a of c.accounts as { openingBalanceMinor: number }[]) a.openingBalanceMinor = 0;
      },
    });
  }, 120_000);
  afterAll(async () => stack?.close(), 30_000);

  const simNowMs = async () => (await stack.simJson<{ simTimeMs: number }>('/api/clock')).simTimeMs;

  it('keeps working offline, then converges with central', async () => {
    // opening credit: a counter payment per account, pulled by the gateway from the feed
    for (const [planId, amountMinor] of TOP_UPS) {
      const { accountNumber } = stack.ids(planId);
      await stack.cashier.call(
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber, amountMinor, currency: 'CNY', reason: 'opening' },
        { 'idempotency-key': `e2e-outage-${planId}` },
      );
    }
    await waitFor(
      'the credits at the gateway',
      async () => {
        const s = await stack.edgeStatus();
        return s.balances.every((b) => BigInt(b.balanceMinor) > 0n) ? s : undefined;
      },
      30_000,
    );
    await waitFor(
      'upstream sync acknowledging events',
      async () => {
        const s = await stack.edgeStatus();
        return s.outbox.ackedSeq > 0 ? s : undefined;
      },
      30_000,
    );

    await stack.stopCentral();
    const down = await stack.edgeStatus();
    const downAtMs = await simNowMs();
    const poor = stack.ids('m-0002');
    await waitFor(
      'a simulated day',
      async () => ((await simNowMs()) >= downAtMs + DAY_MS ? true : undefined),
      80_000,
      1_000,
    );
    const offline = await stack.edgeStatus();
    for (const m of offline.meters) {
      const before = down.meters.find((x) => x.id === m.id)?.lastReadMs ?? 0;
      expect(m.lastReadMs ?? 0, m.id).toBeGreaterThan(before + DAY_MS / 2);
    }
    expect(offline.outbox.lag).toBeGreaterThan(down.outbox.lag);
    expect(offline.outbox.ackedSeq).toBe(down.outbox.ackedSeq);
    expect(offline.meters.find((m) => m.accountId === poor.accountId)?.relayPhase).toBe(
      'DISCONNECTED',
    );
    expect(await simRelayClosed(stack, 'm-0002')).toBe(false);

    await stack.startCentral();
    const { synced, edgeDb } = await drainAndStop(stack);
    const central = centralEntryIds(join(stack.centralDir, 'central.sqlite'));
    const centralCharges = centralChargeIds(join(stack.centralDir, 'central.sqlite'));
    for (const s of stack.seeded) {
      // every charge once on both sides (central posts a block's charges as one entry per
      // block and account); every token credit under its own id; equal balances
      const charges = edgeDb.chargeIds.get(s.accountId) ?? [];
      expect(new Set(charges).size, 'gateway charge ids unique').toBe(charges.length);
      expect(centralCharges.get(s.accountId) ?? new Set(), s.planMeterId).toEqual(new Set(charges));
      const tokens = edgeDb.redeemed
        .filter((t) => t.accountId === s.accountId)
        .map((t) => t.tokenId);
      for (const t of tokens) expect(central.get(s.accountId)?.has(t), t).toBe(true);
      const balance = await stack.admin.call('GET', `/api/accounts/${s.accountId}/balance`);
      const edgeBalance = edgeDb.balances.get(s.accountId);
      expect(String(balance.balanceMinor), s.planMeterId).toBe(String(edgeBalance));
    }
    expect(synced.outbox.ackedSeq).toBe(synced.outbox.lastSeq);
    expect(edgeDb.outbox).toEqual([]);
  }, 200_000);
});

/**
 * Waits until the gateway's outbox is drained into central, then stops the gateway so both
 * sides hold still. A poll cycle can commit between the drained status and the stop (the
 * gateway stops syncing before polling): then its outbox is not empty, and the gateway runs
 * again to send it (at most 3 times).
 */
async function drainAndStop(stack: Stack) {
  for (let attempt = 1; ; attempt += 1) {
    const synced = await waitFor(
      'outbox drained into central',
      async () => {
        const s = await stack.edgeStatus();
        return s.outbox.lag === 0 ? s : undefined;
      },
      60_000,
      500,
    );
    stack.edge.proc.kill('SIGTERM');
    await stack.edge.exited;
    const edgeDb = readGatewayDb(stack.edgeDbFile);
    if (edgeDb.outbox.length === 0 || attempt === 3) return { synced, edgeDb };
    await stack.startEdge();
  }
}
