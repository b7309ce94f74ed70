import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount, startHarness } from './helpers/api-harness.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

/** The cashier's daily close counts the utility's local day (Nairobi, UTC+3), not UTC's. */
describe.each(BACKENDS)('cashier close by local day: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(b);
      h.ctx.timeZone = 'Africa/Nairobi';
      await seedAccount(h, '3001', 'postpaid');
    });
    afterAll(async () => {
      await h?.close();
    });

    const counter = (txn: string, amountMinor: number, receivedAtMs: number) =>
      h.call(
        'cashier',
        'POST',
        '/api/payments',
        {
          channel: 'counter',
          provider: 'cash',
          providerTxnId: txn,
          accountNumber: '3001',
          amountMinor,
          currency: 'KES',
          receivedAtMs,
        },
        { 'idempotency-key': `close-${txn}` },
      );

    it('counts payments from local midnight to local midnight', async () => {
      // 23:30 local on the 27th, 00:30 local on the 28th, 10:00 local on the 28th.
      expect((await counter('LD-1', 100, Date.UTC(2026, 10, 27, 20, 30))).status).toBe(201);
      expect((await counter('LD-2', 200, Date.UTC(2026, 10, 27, 21, 30))).status).toBe(201);
      expect((await counter('LD-3', 400, Date.UTC(2026, 10, 28, 7, 0))).status).toBe(201);
      const close = (dateKey: string) =>
        h.call('cashier', 'POST', '/api/cashier/close', {
          dateKey,
          currency: 'KES',
          declaredMinor: 600,
        });
      const day28 = await close('2026-11-28');
      expect(day28.status).toBe(201);
      expect(day28.body).toMatchObject({ count: 2, totalMinor: '600', differenceMinor: '0' });
      expect(day28.body.timeZone).toBe('Africa/Nairobi');
      expect(day28.body.fromMs).toBe(Date.UTC(2026, 10, 27, 21));
      const day27 = await close('2026-11-27');
      expect(day27.body).toMatchObject({ count: 1, totalMinor: '100' });
    });
  });
});
