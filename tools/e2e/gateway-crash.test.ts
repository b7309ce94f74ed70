/**
 * Scenario 3 of issue 9 with real processes and sockets: the gateway process is killed with
 * SIGKILL in the middle of a poll cycle (one meter stops answering, so each cycle waits the bus
 * timeout; the kill lands after the simulator answered the other meters, before the commit),
 * shortly after a counter payment's credit reached it through the sync feed, and started again.
 * Checked against the gateway's store (read-only) and the simulator's registers: every reading
 * the gateway had reported is still there, energy is conserved across the crash (Σ intervals =
 * last reading − the reading at the first interval boundary, per meter), every interval is
 * rated exactly once, the credit counts once (the customer typing the payment's token after
 * the restart is refused), balances add up, and after the outbox drains central's ledger has
 * the same entry ids and balances per account.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralChargeIds, centralEntryIds } from './central-db.js';
import { readGatewayDb } from './gateway-db.js';
import { simImportWh, simModbusAnswered } from './sim-meter.js';
import { type Stack, startStack } from './stack.js';
import { realClock, waitFor } from './wait-for.js';

const SPEED = 600;
const POLL_S = 900;
const OPENING_MINOR = 100_000;
const METERS = ['m-0001', 'm-0002', 'm-0003'];

describe('gateway killed mid-cycle and restarted', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      meterCount: METERS.length,
      speed: SPEED,
      pollEverySeconds: POLL_S,
      sync: true,
      tweak: (c) => {
        for (const a of c.accounts as { openingBalanceMinor: number }[])
          a.openingBalanceMinor = OPENING_MINOR;
      },
    });
  }, 120_000);
  afterAll(async () => stack?.close(), 30_000);

  const readingsOf = async (minPerMeter: number) =>
    waitFor(
      `${minPerMeter} readings per meter`,
      async () => {
        const db = readGatewayDb(stack.edgeDbFile);
        const ok = stack.seeded.every(
          (s) => db.readings.filter((r) => r.meterId === s.meterId).length >= minPerMeter,
        );
        return ok ? db : undefined;
      },
      40_000,
    );

  it('loses no reading and rates or credits nothing twice', async () => {
    await readingsOf(3);
    const { accountNumber, accountId } = stack.ids('m-0001');
    const paid = await stack.cashier.call(
      'POST',
      '/api/payments',
      {
        channel: 'counter',
        accountNumber,
        amountMinor: 5_000,
        currency: 'CNY',
        reason: 'counter payment',
      },
      { 'idempotency-key': 'e2e-crash-topup-1' },
    );
    const token = String((paid.topup as { token: string }).token);
    await waitFor(
      'the credit pulled from central',
      () =>
        readGatewayDb(stack.edgeDbFile).redeemed.some((t) => t.tokenId === paid.entryId)
          ? true
          : undefined,
      20_000,
    );

    // m-0003 stops answering: each cycle now waits the bus timeout (3 s) before it commits
    await stack.simPost('/api/meters/m-0003/faults', { kind: 'no-answer' });
    await realClock.sleep(3_500);
    const answered = await simModbusAnswered(stack);
    await waitFor(
      'a new cycle reading the meters',
      async () => ((await simModbusAnswered(stack)) > answered ? true : undefined),
      20_000,
      50,
    );
    const committed = readGatewayDb(stack.edgeDbFile).readings.length;
    const reported = await stack.edgeStatus(); // what the gateway has told the world
    await stack.killEdge();
    const atCrash = readGatewayDb(stack.edgeDbFile);
    // killed mid-cycle: the meters answered, the cycle's readings were never committed
    expect(atCrash.readings.length).toBe(committed);
    await fetch(`${stack.simUrl}/api/meters/m-0003/faults`, { method: 'DELETE' });

    await stack.startEdge();
    expect((await redeem(stack, token)).status).not.toBe(200); // customer retries: refused
    const before = atCrash.readings.length;
    await waitFor(
      'three more poll rounds after the restart',
      async () => {
        const n = readGatewayDb(stack.edgeDbFile).readings.length;
        return n >= before + 3 * METERS.length ? n : undefined;
      },
      40_000,
    );
    await waitFor(
      'the outbox drained into central',
      async () => ((await stack.edgeStatus()).outbox.lag === 0 ? true : undefined),
      30_000,
    );
    stack.edge.proc.kill('SIGTERM');
    await stack.edge.exited;
    const end = readGatewayDb(stack.edgeDbFile);

    // nothing reported or committed before the crash is lost
    const key = (r: { captureMs: number; meterId: string; valueWh: number }) =>
      `${r.meterId}@${r.captureMs}=${r.valueWh}`;
    const endKeys = new Set(end.readings.map(key));
    for (const r of atCrash.readings) expect(endKeys.has(key(r)), key(r)).toBe(true);
    for (const m of reported.meters) {
      if (m.lastValueWh === null) continue;
      const stored = end.readings.filter((r) => r.meterId === m.id).map((r) => r.valueWh);
      expect(stored, `${m.id} reported ${m.lastValueWh} Wh`).toContain(m.lastValueWh);
    }
    expect(end.quarantined).toBe(0);

    for (const s of stack.seeded) {
      const mine = end.readings.filter((r) => r.meterId === s.meterId);
      const last = Math.max(...mine.map((r) => r.valueWh));
      // the gateway's first reading is only a baseline; intervals start at the first reading
      // taken on an interval boundary (the poll is aligned to the 15-minute grid)
      const startMs = end.firstIntervalStartMs.get(s.meterId) ?? Number.NaN;
      const atStart = mine.reduce((a, b) =>
        Math.abs(b.captureMs - startMs) < Math.abs(a.captureMs - startMs) ? b : a,
      );
      expect(Math.abs(atStart.captureMs - startMs)).toBeLessThan(POLL_S * 500);
      const first = atStart.valueWh;
      // energy conserved across the crash, against the simulator's register
      expect(end.intervalsWh.get(s.meterId), s.planMeterId).toBe(last - first);
      expect(last).toBeLessThanOrEqual(await simImportWh(stack, s.planMeterId));
      expect(last).toBeGreaterThan(first);
      // each interval rated exactly once
      expect(end.chargesWh.get(s.meterId), s.planMeterId).toBe(last - first);
    }
    expect(new Set(end.chargeKeys).size).toBe(end.chargeKeys.length);

    // the token credited once; balances = opening + credits − charges − standing charges
    expect(end.redeemed.filter((t) => t.tokenId === paid.entryId)).toHaveLength(1);
    for (const s of stack.seeded) {
      const credits = end.redeemed
        .filter((t) => t.accountId === s.accountId)
        .reduce((sum, t) => sum + t.amountMinor, 0n);
      const charged = end.chargesMinor.get(s.accountId) ?? 0n;
      const standing = end.standingMinor.get(s.accountId) ?? 0n;
      expect(end.balances.get(s.accountId), s.planMeterId).toBe(
        BigInt(OPENING_MINOR) + credits - charged - standing,
      );
    }
    expect(accountId).toBe(end.redeemed[0]?.accountId);
    // the demo-tou accounts drew the day's service charge (central's balances below match)
    expect([...end.standingMinor.values()].some((m) => m > 0n)).toBe(true);

    // central's ledger holds the same entries, once (opening balances live on the gateway only)
    const central = centralEntryIds(join(stack.centralDir, 'central.sqlite'));
    const centralCharges = centralChargeIds(join(stack.centralDir, 'central.sqlite'));
    for (const s of stack.seeded) {
      // every charge once (posted per block and account), every token credit by its id
      const charges = end.chargeIds.get(s.accountId) ?? [];
      expect(centralCharges.get(s.accountId) ?? new Set(), s.planMeterId).toEqual(new Set(charges));
      const tokens = end.redeemed.filter((t) => t.accountId === s.accountId).map((t) => t.tokenId);
      for (const t of tokens) expect(central.get(s.accountId)?.has(t), t).toBe(true);
      const balance = await stack.admin.call('GET', `/api/accounts/${s.accountId}/balance`);
      expect(BigInt(String(balance.balanceMinor)) + BigInt(OPENING_MINOR), s.planMeterId).toBe(
        end.balances.get(s.accountId),
      );
    }

    // the outbox is gapless and holds each domain fact once
    const seqs = end.outbox.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 1) + i));
    const facts = end.outbox.map((e) => `${e.kind}:${e.eventId}`);
    expect(new Set(facts).size).toBe(facts.length);
  }, 90_000);
});

async function redeem(stack: Stack, token: string): Promise<{ status: number }> {
  const res = await fetch(`${stack.edgeUrl}/api/tokens/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  await res.text();
  return { status: res.status };
}
