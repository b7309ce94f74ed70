import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/api/app.js';
import { BACKENDS } from './helpers/backends.js';
import { fingerprint, type Harness, seedAccount, startHarness } from './helpers/api-harness.js';

type Role = Parameters<Harness['call']>[0];
interface Case {
  name: string;
  role: Role;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** Field the problem must name (omit when the whole request is at fault). */
  field?: string;
}

const pay = { channel: 'counter', accountNumber: '1001', amountMinor: 100, currency: 'KES' };
const idem = { 'idempotency-key': 'malformed-0001' };

const CASES: Case[] = [
  {
    name: 'float money',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: 10.5 },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'negative money',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: -100 },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'zero money',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: 0 },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'money as decimal text',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: '10.50' },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'money in exponent form',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: '1e5' },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'money beyond 2^53 as number',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body:
      '{"channel":"counter","accountNumber":"1001","currency":"KES",' +
      '"amountMinor":90071992547409930}',
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'money as boolean',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, amountMinor: true },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'missing amount',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { channel: 'counter', accountNumber: '1001', currency: 'KES' },
    headers: idem,
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'unknown channel',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, channel: 'carrier-pigeon' },
    headers: idem,
    status: 400,
    field: '/channel',
  },
  {
    name: 'lower-case currency',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, currency: 'kes' },
    headers: idem,
    status: 400,
    field: '/currency',
  },
  {
    name: 'currency of another account',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, currency: 'USD' },
    headers: idem,
    status: 422,
    field: '/currency',
  },
  {
    name: 'unknown account at the counter',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, accountNumber: 'NOPE' },
    headers: idem,
    status: 422,
    field: '/accountNumber',
  },
  {
    name: 'unknown extra field',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, discount: 5 },
    headers: idem,
    status: 400,
    field: '/discount',
  },
  {
    name: 'payment in the future',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, receivedAtMs: 9_000_000_000_000 },
    headers: idem,
    status: 422,
    field: '/receivedAtMs',
  },
  {
    name: 'missing idempotency key',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: pay,
    status: 400,
    field: '/headers/idempotency-key',
  },
  {
    name: 'too short idempotency key',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: pay,
    headers: { 'idempotency-key': 'abc' },
    status: 400,
    field: '/headers/idempotency-key',
  },
  {
    name: 'bad provider txn id',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, providerTxnId: 'has spaces' },
    headers: idem,
    status: 400,
    field: '/providerTxnId',
  },
  {
    name: 'malformed JSON',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: '{"channel": "counter",',
    headers: idem,
    status: 400,
  },
  {
    name: 'JSON array body',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: '[1,2]',
    headers: idem,
    status: 400,
  },
  {
    name: 'form-encoded body',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: 'amountMinor=5',
    headers: { ...idem, 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    field: '/headers/content-type',
  },
  {
    name: 'oversized body',
    role: 'cashier',
    method: 'POST',
    path: '/api/payments',
    body: { ...pay, comment: 'x'.repeat(MAX_BODY_BYTES + 10) },
    headers: idem,
    status: 413,
  },
  {
    name: 'no credentials',
    role: null,
    method: 'POST',
    path: '/api/payments',
    body: pay,
    headers: idem,
    status: 401,
  },
  {
    name: 'forged bearer token',
    role: null,
    method: 'POST',
    path: '/api/payments',
    body: pay,
    headers: { ...idem, authorization: 'Bearer gb_session_forgedforgedforgedforged' },
    status: 401,
    field: '/headers/authorization',
  },
  {
    name: 'malformed authorization header',
    role: null,
    method: 'POST',
    path: '/api/payments',
    body: pay,
    headers: { ...idem, authorization: 'Basic Zm9vOmJhcg==' },
    status: 401,
    field: '/headers/authorization',
  },
  {
    name: 'clerk posting a payment',
    role: 'clerk',
    method: 'POST',
    path: '/api/payments',
    body: pay,
    headers: idem,
    status: 403,
  },
  {
    name: 'cashier creating a user',
    role: 'cashier',
    method: 'POST',
    path: '/api/users',
    body: { username: 'eve', displayName: 'Eve', role: 'admin', password: 'long-enough-pass' },
    status: 403,
  },
  {
    name: 'unknown role',
    role: 'admin',
    method: 'POST',
    path: '/api/users',
    body: { username: 'eve', displayName: 'Eve', role: 'overlord', password: 'long-enough-pass' },
    status: 400,
    field: '/role',
  },
  {
    name: 'short password',
    role: 'admin',
    method: 'POST',
    path: '/api/users',
    body: { username: 'eve', displayName: 'Eve', role: 'cashier', password: 'short' },
    status: 400,
    field: '/password',
  },
  {
    name: 'reversal of unknown payment',
    role: 'supervisor',
    method: 'POST',
    path: '/api/payments/nope/reversal',
    body: { reasonCode: 'bounced' },
    status: 404,
  },
  {
    name: 'reversal without a valid reason code',
    role: 'supervisor',
    method: 'POST',
    path: '/api/payments/nope/reversal',
    body: { reasonCode: 'because' },
    status: 400,
    field: '/reasonCode',
  },
  {
    name: 'account with unknown customer',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts',
    body: { number: '7777', customerId: 'ghost', currency: 'KES', mode: 'prepaid' },
    status: 422,
    field: '/customerId',
  },
  {
    name: 'account with bad mode',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts',
    body: { number: '7777', customerId: 'ghost', currency: 'KES', mode: 'free' },
    status: 400,
    field: '/mode',
  },
  {
    name: 'account with unknown currency',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts',
    body: { number: '7777', customerId: 'ghost', currency: 'XYZ', mode: 'prepaid' },
    status: 422,
    field: '/currency',
  },
  {
    name: 'duplicate account number',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts',
    body: { number: '1001', customerId: 'ghost', currency: 'KES', mode: 'prepaid' },
    status: 422,
    field: '/customerId',
  },
  {
    name: 'premise in an unknown time zone',
    role: 'clerk',
    method: 'POST',
    path: '/api/premises',
    body: { customerId: 'x', address: 'a', timeZone: 'Mars/Olympus' },
    status: 400,
    field: '/timeZone',
  },
  {
    name: 'install with negative read',
    role: 'clerk',
    method: 'POST',
    path: '/api/meters/x/install',
    body: { servicePointId: 'sp', atMs: 1, readWh: -1 },
    status: 400,
    field: '/readWh',
  },
  {
    name: 'install of unknown meter',
    role: 'clerk',
    method: 'POST',
    path: '/api/meters/ghost/install',
    body: { servicePointId: 'sp', atMs: 1, readWh: 1 },
    status: 422,
    field: '/meterId',
  },
  {
    name: 'charge with float amount',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts/1001/charges',
    body: {
      category: 'energy',
      component: 'energy',
      amountMinor: 1.5,
      reference: 'r1',
      reason: 'x',
    },
    status: 400,
    field: '/amountMinor',
  },
  {
    name: 'charge on unknown account',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts/ghost/charges',
    body: { category: 'energy', component: 'energy', amountMinor: 1, reference: 'r1', reason: 'x' },
    status: 404,
  },
  {
    name: 'mode switch without reason',
    role: 'clerk',
    method: 'POST',
    path: '/api/accounts/1001/mode',
    body: { mode: 'prepaid', effectiveAtMs: 1 },
    status: 400,
    field: '/reason',
  },
  {
    name: 'close with a bad date',
    role: 'cashier',
    method: 'POST',
    path: '/api/cashier/close',
    body: { dateKey: '28/11/2026', currency: 'KES', declaredMinor: 0 },
    status: 400,
    field: '/dateKey',
  },
  {
    name: 'tariff import of an invalid document',
    role: 'clerk',
    method: 'POST',
    path: '/api/tariffs/import',
    body: { document: { format: 'gridbill-tariff/v1', tariffId: 't' } },
    status: 422,
  },
  {
    name: 'balance at a non-numeric instant',
    role: 'clerk',
    method: 'GET',
    path: '/api/accounts/1001/balance?atMs=yesterday',
    status: 400,
    field: '/query/atMs',
  },
  { name: 'unknown route', role: 'clerk', method: 'GET', path: '/api/nothing-here', status: 404 },
];

describe('malformed requests get a clear 4xx and change nothing', () => {
  const b = BACKENDS[0]!;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(b);
    await seedAccount(h, '1001', 'postpaid');
  });
  afterAll(async () => h?.close());

  it('has at least 30 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('$name → $status', async (c) => {
    const before = await fingerprint(h.store);
    const res = await h.call(c.role, c.method, c.path, c.body, c.headers);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.status).toBe(c.status);
    expect(res.body.detail.length).toBeGreaterThan(5);
    if (c.field) expect(res.body.field).toBe(c.field);
    expect(await fingerprint(h.store)).toEqual(before);
  });
});
