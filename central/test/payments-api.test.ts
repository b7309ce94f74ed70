import { verifyToken } from '@gridbill/shared/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, backendTitle } from './helpers/backends.js';
import {
  type Harness,
  PASSWORD,
  seedAccount,
  startHarness,
  T0,
  TOKEN_KEY,
} from './helpers/api-harness.js';

let keyN = 0;
const key = () => `key-${String(++keyN).padStart(6, '0')}`;

async function entryCount(h: Harness, ref: string): Promise<number> {
  const rows = await h.store.db
    .selectFrom('ledger_entries')
    .select('id')
    .where('external_ref', '=', ref)
    .execute();
  return rows.length;
}

describe.each(BACKENDS)('payments API: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(b);
      await seedAccount(h, '1001', 'postpaid');
      await seedAccount(h, '2001', 'prepaid');
      await seedAccount(h, '3001', 'hybrid');
    });
    afterAll(async () => h?.close());

    it('allocates a postpaid payment fees first and keeps the overpayment as credit', async () => {
      await h.call('admin', 'POST', '/api/accounts/1001', undefined);
      const a = await h.call('clerk', 'POST', '/api/accounts', undefined);
      expect(a.status).toBe(415);
      for (const [ref, category, amount] of [
        ['bill-1', 'energy', 5000],
        ['fee-1', 'fees', 700],
      ] as const) {
        const r = await h.call('clerk', 'POST', '/api/accounts/1001/charges', {
          category,
          component: category === 'fees' ? 'reconnection-fee' : 'energy',
          amountMinor: amount,
          reference: ref,
          reason: 'test bill',
          effectiveAtMs: T0 - 1000,
        });
        expect(r.status).toBe(201);
      }
      const pay = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: '1001', amountMinor: 6000, currency: 'KES' },
        { 'idempotency-key': key() },
      );
      expect(pay.status).toBe(201);
      expect(pay.body.status).toBe('posted');
      const acct = await h.call('cashier', 'GET', '/api/accounts/1001');
      expect(acct.body.balanceMinor).toBe('300');
      expect(acct.body.arrearsMinor).toBe('0');
      expect(
        acct.body.timeline.map((t: { balanceAfterMinor: string }) => t.balanceAfterMinor),
      ).toEqual(['-5000', '-5700', '300']);
    });

    it('credits a prepaid wallet and issues a token bound to gateway and account', async () => {
      const pay = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: '2001', amountMinor: 2500, currency: 'KES' },
        { 'idempotency-key': key() },
      );
      expect(pay.status).toBe(201);
      const t = pay.body.topup;
      expect(t.tokenId).toBe(pay.body.entryId);
      const check = verifyToken(t.token, {
        publicKeyFor: () => TOKEN_KEY.publicKey,
        gatewayId: 'gw-1',
        nowMs: T0,
      });
      expect(check.ok && check.token).toMatchObject({
        tokenId: pay.body.entryId,
        gatewayId: 'gw-1',
        accountId: pay.body.accountId,
        amountMinor: 2500n,
        currency: 'KES',
      });
      expect(
        verifyToken(t.token, {
          publicKeyFor: () => TOKEN_KEY.publicKey,
          gatewayId: 'gw-2',
          nowMs: T0,
        }).ok,
      ).toBe(false);
      const acct = await h.call('cashier', 'GET', '/api/accounts/2001');
      expect(acct.body.balanceMinor).toBe('2500');
    });

    it('replays a retry, refuses a changed body (422) and in-flight duplicates (409)', async () => {
      const k = key();
      const body = { channel: 'counter', accountNumber: '1001', amountMinor: 100, currency: 'KES' };
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          h.call('cashier', 'POST', '/api/payments', body, { 'idempotency-key': k }),
        ),
      );
      const fresh = results.filter((r) => r.headers.get('idempotent-replayed') === 'false');
      expect(fresh).toHaveLength(1);
      const replayedOr409 = (r: (typeof results)[number]) =>
        r.status === 409 || (r.status === 201 && r.headers.get('idempotent-replayed') === 'true');
      expect(results.filter((r) => r !== fresh[0]).every(replayedOr409)).toBe(true);
      const first = fresh[0]!;
      const retry = await h.call('cashier', 'POST', '/api/payments', body, {
        'idempotency-key': k,
      });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(first.body);
      const changed = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { ...body, amountMinor: 101 },
        { 'idempotency-key': k },
      );
      expect(changed.status).toBe(422);
      expect(changed.body.field).toBe('/headers/idempotency-key');
      expect(await entryCount(h, `cash:${first.body.providerTxnId}`)).toBe(1);
    });

    it('records a provider transaction once across channels and deliveries', async () => {
      const body = (channel: string) => ({
        channel,
        provider: 'mpesa',
        providerTxnId: 'QX7Y8Z9',
        accountNumber: '1001',
        amountMinor: 450,
        currency: 'KES',
      });
      const res = await Promise.all([
        ...Array.from({ length: 6 }, () =>
          h.call('admin', 'POST', '/api/payments', body('webhook'), { 'idempotency-key': key() }),
        ),
        ...Array.from({ length: 6 }, () =>
          h.call('admin', 'POST', '/api/payments', body('bank-file'), { 'idempotency-key': key() }),
        ),
      ]);
      expect(res.filter((r) => r.status === 201)).toHaveLength(1);
      expect(res.filter((r) => r.status === 200).every((r) => r.body.duplicate === true)).toBe(
        true,
      );
      expect(await entryCount(h, 'mpesa:QX7Y8Z9')).toBe(1);
      const other = await h.call(
        'admin',
        'POST',
        '/api/payments',
        { ...body('webhook'), amountMinor: 451 },
        { 'idempotency-key': key() },
      );
      expect(other.status).toBe(409);
      expect(other.body.field).toBe('/providerTxnId');
    });

    it('sends unmatched inbound payments to suspense and matches them later', async () => {
      const pay = await h.call(
        'admin',
        'POST',
        '/api/payments',
        {
          channel: 'mobile-money',
          provider: 'mpesa',
          providerTxnId: 'LOST1',
          accountNumber: '9999',
          amountMinor: 800,
          currency: 'KES',
        },
        { 'idempotency-key': key() },
      );
      expect(pay.status).toBe(201);
      expect(pay.body.status).toBe('suspense');
      const q = await h.call('supervisor', 'GET', '/api/suspense');
      expect(q.body.map((p: { paymentId: string }) => p.paymentId)).toContain(pay.body.paymentId);
      const m = await h.call('supervisor', 'POST', `/api/suspense/${pay.body.paymentId}/match`, {
        accountNumber: '3001',
        reason: 'customer called',
      });
      expect(m.status).toBe(201);
      const token = verifyToken(m.body.topup.token, {
        publicKeyFor: () => TOKEN_KEY.publicKey,
        gatewayId: 'gw-1',
        nowMs: T0,
      });
      expect(token.ok && token.token.tokenId).toBe(m.body.entryId);
      expect(token.ok && token.token.amountMinor).toBe(800n);
      const acct = await h.call('cashier', 'GET', '/api/accounts/3001');
      expect(acct.body.balanceMinor).toBe('800');
      const counter = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: '9999', amountMinor: 800, currency: 'KES' },
        { 'idempotency-key': key() },
      );
      expect(counter.status).toBe(422);
      expect(counter.body.field).toBe('/accountNumber');
    });

    it('reverses a payment once with a reason code; balances follow', async () => {
      const pay = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: '1001', amountMinor: 1000, currency: 'KES' },
        { 'idempotency-key': key() },
      );
      const before = (await h.call('cashier', 'GET', '/api/accounts/1001')).body.balanceMinor;
      expect(
        (
          await h.call('cashier', 'POST', `/api/payments/${pay.body.paymentId}/reversal`, {
            reasonCode: 'bounced',
          })
        ).status,
      ).toBe(403);
      const rev = await h.call(
        'supervisor',
        'POST',
        `/api/payments/${pay.body.paymentId}/reversal`,
        { reasonCode: 'bounced', comment: 'cheque returned' },
      );
      expect(rev.status).toBe(201);
      const got = await h.call('auditor', 'GET', `/api/payments/${pay.body.paymentId}`);
      expect(got.status).toBe(200);
      expect(got.body.status).toBe('reversed');
      const again = await h.call(
        'supervisor',
        'POST',
        `/api/payments/${pay.body.paymentId}/reversal`,
        { reasonCode: 'chargeback' },
      );
      expect(again.status).toBe(409);
      const after = await h.call('cashier', 'GET', '/api/accounts/1001');
      expect(BigInt(after.body.balanceMinor)).toBe(BigInt(before) - 1000n);
      expect(after.body.timeline.at(-1).reasonCode).toBe('bounced');
      const audit = await h.call('auditor', 'GET', `/api/audit?accountId=${after.body.account.id}`);
      expect(
        audit.body.some(
          (a: { action: string; comment: string }) =>
            a.action === 'payment.reverse' && a.comment === 'cheque returned',
        ),
      ).toBe(true);
    });

    it('switches prepaid to postpaid with a settlement entry', async () => {
      const r = await h.call('clerk', 'POST', '/api/accounts/2001/mode', {
        mode: 'postpaid',
        effectiveAtMs: T0 + 60_000,
        reason: 'customer request',
      });
      expect(r.status).toBe(201);
      expect(r.body.settlementEntryId).toBeTruthy();
      const acct = await h.call('cashier', 'GET', '/api/accounts/2001');
      expect(acct.body.account.mode).toBe('postpaid');
      expect(acct.body.balanceMinor).toBe('2500');
      expect(acct.body.wallet).toBe('0');
    });

    it("closes a cashier's day with the declared cash and difference", async () => {
      const r = await h.call('cashier', 'POST', '/api/cashier/close', {
        dateKey: '2026-11-28',
        currency: 'KES',
        declaredMinor: 9000,
      });
      expect(r.status).toBe(201);
      // 6000 + 2500 + 100 counted; the reversed 1000 is not.
      expect(r.body.totalMinor).toBe('8600');
      expect(r.body.differenceMinor).toBe('400');
      expect(
        (
          await h.call('cashier', 'POST', '/api/cashier/close', {
            dateKey: '2026-11-28',
            currency: 'KES',
            declaredMinor: 0,
          })
        ).status,
      ).toBe(409);
    });

    it('exchanges a meter with final and initial reads', async () => {
      const acct = await h.call('cashier', 'GET', '/api/accounts/1001');
      const old = acct.body.meters[0].id;
      const m = await h.call('clerk', 'POST', '/api/meters', {
        serial: 'SN-NEW-1',
        model: 'SDM120',
      });
      const bad = await h.call('clerk', 'POST', `/api/meters/${old}/exchange`, {
        newMeterId: m.body.id,
        atMs: T0,
        finalReadWh: 10,
        initialReadWh: 0,
      });
      expect(bad.status).toBe(422);
      expect(bad.body.field).toBe('/finalReadWh');
      const ok = await h.call('clerk', 'POST', `/api/meters/${old}/exchange`, {
        newMeterId: m.body.id,
        atMs: T0,
        finalReadWh: 5000,
        initialReadWh: 3,
      });
      expect(ok.status).toBe(201);
      const after = await h.call('cashier', 'GET', '/api/accounts/1001');
      expect(after.body.meters.map((x: { serial: string }) => x.serial)).toEqual(['SN-NEW-1']);
    });

    it('posts a batch request item by item, each with its own outcome', async () => {
      const item = (k: string, accountNumber: string, amountMinor: number) => ({
        idempotencyKey: k,
        channel: 'bank-file',
        provider: 'equity-bank',
        providerTxnId: `EQ-${k}`,
        accountNumber,
        amountMinor,
        currency: 'KES',
      });
      const items = [item('batch-0001', '1001', 300), item('batch-0002', '9999', 200)];
      const first = await h.call('admin', 'POST', '/api/payments/batch', { items });
      expect(first.status).toBe(200);
      expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
      expect(first.body.results[1].body.status).toBe('suspense');
      const again = await h.call('admin', 'POST', '/api/payments/batch', {
        items: [items[0], { ...items[1], amountMinor: 201 }, item('batch-0003', '1001', 5)],
      });
      const r = again.body.results;
      expect(r.map((x: { status: number }) => x.status)).toEqual([201, 422, 201]);
      expect(r[0].replayed).toBe(true);
      expect(r[1].problem.field).toBe('/headers/idempotency-key');
      expect(await entryCount(h, 'equity-bank:EQ-batch-0001')).toBe(1);
      const tooMany = Array.from({ length: 501 }, (_, i) => item(`many-${i}-xxxx`, '1001', 1));
      const big = await h.call('admin', 'POST', '/api/payments/batch', { items: tooMany });
      expect(big.status).toBe(400);
      expect(big.body.field).toBe('/items');
    });

    it('signs out: the token stops working', async () => {
      const s = await h.call(null, 'POST', '/api/session', {
        username: 'auditor',
        password: PASSWORD,
      });
      const auth = { authorization: `Bearer ${s.body.token}` };
      expect((await h.call(null, 'GET', '/api/me', undefined, auth)).status).toBe(200);
      expect((await h.call(null, 'DELETE', '/api/session', undefined, auth)).status).toBe(200);
      expect((await h.call(null, 'GET', '/api/me', undefined, auth)).status).toBe(401);
    });

    it('keeps the ledger verifiable after all of the above', async () => {
      const v = await h.call('auditor', 'GET', '/api/ledger/verify');
      expect(v.body.ok).toBe(true);
      expect(v.body.chain.count).toBeGreaterThan(5);
    });
  });
});
