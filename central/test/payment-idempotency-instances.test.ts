import { createSeededRandom } from '@gridbill/shared/ids';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentBody } from '../src/api/schemas.js';
import { createContext } from '../src/app/create-context.js';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { CLAIM_LEASE_MS, PENDING_STATUS } from '../src/payments/claim-keys.js';
import { requestHashOf } from '../src/payments/idempotency.js';
import { createPaymentQueue } from '../src/payments/payment-queue.js';
import { openStore, type Store } from '../src/store/index.js';
import { type Harness, seedAccount, startHarness, T0, TOKEN_KEY } from './helpers/api-harness.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

/**
 * Two server instances on one database: the Idempotency-Key is claimed in the database, so
 * while instance A still processes a key, instance B answers 409 for it (and 422 for the key
 * with another body); after A finishes, B replays A's result.
 */
describe.each(BACKENDS)('idempotency across instances: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    let storeB: Store;
    let serverB: RunningServer;
    let claimed: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    beforeAll(async () => {
      h = await startHarness(b);
      await seedAccount(h, '1001', 'postpaid');
      h.ctx.payments = createPaymentQueue(() => h.ctx, 256, {
        afterClaim: async () => {
          claimed();
          await gate;
        },
      });
      storeB = await openStore(h.store.opened);
      const ctxB = createContext({
        store: storeB,
        clock: h.clock,
        random: createSeededRandom('instance-b'),
        tokenKey: TOKEN_KEY,
      });
      serverB = await startServer(ctxB, { port: 0 });
    });
    afterAll(async () => {
      await serverB?.close();
      await storeB?.close();
      await h?.close();
    });

    const post = async (url: string, key: string, amountMinor: number, txn: string) => {
      const res = await fetch(`${url}/api/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.tokens.admin}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({
          channel: 'webhook',
          provider: 'mpesa',
          providerTxnId: txn,
          accountNumber: '1001',
          amountMinor,
          currency: 'KES',
        }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: read field by field
      const body = (await res.json()) as any;
      return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') };
    };

    it('B answers 409 while A holds the key, 422 for another body, then replays A', async () => {
      let open: () => void = () => undefined;
      gate = new Promise((r) => {
        open = r;
      });
      const isClaimed = new Promise<void>((r) => {
        claimed = r;
      });
      const first = post(h.server.url, 'inst-key-0001', 700, 'INST-1');
      await isClaimed;
      const during = await post(serverB.url, 'inst-key-0001', 700, 'INST-1');
      expect(during.status).toBe(409);
      expect(during.body.type).toContain('request-in-flight');
      const other = await post(serverB.url, 'inst-key-0001', 900, 'INST-1');
      expect(other.status).toBe(422);
      expect(other.body.type).toContain('idempotency-key-reused');
      open();
      const a = await first;
      expect(a.status).toBe(201);
      expect(a.replayed).toBe('false');
      const after = await post(serverB.url, 'inst-key-0001', 700, 'INST-1');
      expect(after.status).toBe(201);
      expect(after.replayed).toBe('true');
      expect(after.body).toEqual(a.body);
      expect((await post(serverB.url, 'inst-key-0001', 900, 'INST-1')).status).toBe(422);
      const entries = await h.store.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('external_ref', '=', 'mpesa:INST-1')
        .execute();
      expect(entries).toHaveLength(1);
      gate = Promise.resolve();
    });

    it('a claim left by a crashed server is taken over after the lease', async () => {
      const admin = await h.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      const claim = (key: string, atMs: number) => ({
        scope_key: `${admin.id}:${key}`,
        request_hash: requestHash(700, 'INST-2'),
        status_code: PENDING_STATUS,
        response_body: '',
        created_at_ms: BigInt(atMs),
      });
      await h.store.db
        .insertInto('idempotency_keys')
        .values([claim('stale-key-01', T0 - CLAIM_LEASE_MS), claim('fresh-key-01', T0 - 1000)])
        .execute();
      expect((await post(serverB.url, 'fresh-key-01', 700, 'INST-2')).status).toBe(409);
      const taken = await post(serverB.url, 'stale-key-01', 700, 'INST-2');
      expect(taken.status).toBe(201);
      expect(taken.replayed).toBe('false');
    });
  });
});

/** The request hash the API stores for a webhook payment body of this test. */
function requestHash(amountMinor: number, txn: string): string {
  return requestHashOf(
    paymentBody.parse({
      channel: 'webhook',
      provider: 'mpesa',
      providerTxnId: txn,
      accountNumber: '1001',
      amountMinor,
      currency: 'KES',
    }),
  );
}
