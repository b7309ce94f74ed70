import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentQueue } from '../src/payments/payment-queue.js';
import type { Committer } from '../src/store/committer.js';
import { type Harness, seedAccount, startHarness } from './helpers/api-harness.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

/**
 * A transaction that fails after a group was claimed (a disk error at commit): the group's
 * requests fail (500), their claims are dropped, so a retry of the same key posts it
 * instead of meeting 409 until the lease runs out.
 */
describe.each(BACKENDS)('payment queue, failed cycle: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    let failNext = false;
    beforeAll(async () => {
      h = await startHarness(b);
      await seedAccount(h, '4001', 'postpaid');
      const real = h.ctx.committer;
      const flaky: Committer = {
        run: (work) => {
          if (!failNext) return real.run(work);
          failNext = false;
          return Promise.reject(new Error('simulated disk error at commit'));
        },
        stats: () => real.stats(),
      };
      h.ctx.committer = flaky;
      h.ctx.payments = createPaymentQueue(() => h.ctx, 256, {
        afterClaim: async () => {
          failNext = true;
        },
      });
    });
    afterAll(async () => {
      await h?.close();
    });

    const pay = () =>
      h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: '4001', amountMinor: 500, currency: 'KES' },
        { 'idempotency-key': 'fail-cycle-key-1' },
      );

    it('fails the request, drops its claim, and a retry posts once', async () => {
      const first = await pay();
      expect(first.status).toBe(500);
      h.ctx.payments = createPaymentQueue(() => h.ctx);
      const retry = await pay();
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('false');
      const again = await pay();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const rows = await h.store.db
        .selectFrom('payments')
        .select('id')
        .where('account_id', '=', retry.body.accountId)
        .execute();
      expect(rows).toHaveLength(1);
    });
  });
});
