import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount, startHarness, T0 } from './helpers/api-harness.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

const TARIFF = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'tariffs',
  'cn-beijing-monthly-ladder.json',
);

describe.each(BACKENDS)('records API: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    let ids: Awaited<ReturnType<typeof seedAccount>>;
    beforeAll(async () => {
      h = await startHarness(b);
      ids = await seedAccount(h, '4001', 'prepaid', 'Li Wei');
    });
    afterAll(async () => h?.close());

    it('creates a discount programme and enrols an eligible account once', async () => {
      const p = await h.call('clerk', 'POST', '/api/discount-programmes', {
        name: 'CARE',
        rule: { kind: 'percent', basisPoints: 2000 },
      });
      expect(p.status).toBe(201);
      const body = { accountNumber: '4001', fromMs: T0, evidence: 'certificate 88-123' };
      const e = await h.call(
        'clerk',
        'POST',
        `/api/discount-programmes/${p.body.id}/enrolments`,
        body,
      );
      expect(e.status).toBe(201);
      const again = await h.call(
        'clerk',
        'POST',
        `/api/discount-programmes/${p.body.id}/enrolments`,
        body,
      );
      expect(again.status).toBe(409);
      const badRule = await h.call('clerk', 'POST', '/api/discount-programmes', {
        name: 'X',
        rule: { kind: 'percent', basisPoints: 20_001 },
      });
      expect(badRule.status).toBe(400);
      expect(badRule.body.field).toBe('/rule/basisPoints');
    });

    it('creates a billing cycle and a reading route in walking order', async () => {
      const c = await h.call('clerk', 'POST', '/api/billing-cycles', {
        name: 'Cycle 5',
        dayOfMonth: 5,
        timeZone: 'Asia/Shanghai',
      });
      expect(c.status).toBe(201);
      const m2 = await h.call('clerk', 'POST', '/api/meters', { serial: 'SN-R2', model: 'DDS' });
      const r = await h.call('clerk', 'POST', '/api/routes', {
        name: 'Route A',
        billingCycleId: c.body.id,
        meterIds: [m2.body.id, ids.meterId],
      });
      expect(r.status).toBe(201);
      const dup = await h.call('clerk', 'POST', '/api/routes', {
        name: 'Route B',
        meterIds: [ids.meterId, ids.meterId],
      });
      expect(dup.status).toBe(422);
      const ghost = await h.call('clerk', 'POST', '/api/routes', {
        name: 'Route C',
        meterIds: ['nope'],
      });
      expect(ghost.body.field).toBe('/meterIds/0');
      const plans = await h.call('clerk', 'GET', '/api/plans');
      expect(plans.body.routes).toEqual([
        {
          id: r.body.id,
          name: 'Route A',
          billingCycleId: c.body.id,
          meterIds: [m2.body.id, ids.meterId],
        },
      ]);
      expect(plans.body.discountProgrammes[0].rule).toEqual({ kind: 'percent', basisPoints: 2000 });
    });

    it('assigns an imported tariff to an account and audits who did it', async () => {
      const doc = JSON.parse(readFileSync(TARIFF, 'utf8')) as { tariffId: string };
      const imp = await h.call('clerk', 'POST', '/api/tariffs/import', { document: doc });
      expect(imp.status).toBe(201);
      const tariffId = doc.tariffId;
      const wrongCurrency = await h.call('clerk', 'POST', '/api/accounts/4001/tariff', {
        tariffId,
      });
      expect(wrongCurrency.status).toBe(422);
      expect(wrongCurrency.body.field).toBe('/tariffId');
      const cny = { number: '4002', customerId: ids.customerId, currency: 'CNY', mode: 'postpaid' };
      expect((await h.call('clerk', 'POST', '/api/accounts', cny)).status).toBe(201);
      const body = { tariffId, reason: 'new plan' };
      const a = await h.call('clerk', 'POST', '/api/accounts/4002/tariff', body);
      expect(a.status).toBe(201);
      const unknown = await h.call('clerk', 'POST', '/api/accounts/4001/tariff', {
        tariffId: 'nope',
      });
      expect(unknown.status).toBe(422);
      const me = await h.call('clerk', 'GET', '/api/me');
      const audit = await h.call('auditor', 'GET', `/api/audit?userId=${me.body.id}`);
      expect(audit.body.map((x: { action: string }) => x.action)).toContain('account.tariff');
      expect(audit.body.find((x: { action: string }) => x.action === 'account.tariff').reason).toBe(
        'new plan',
      );
    });
  });
});
