import type { Hono } from 'hono';
import type { z } from 'zod';
import type { StaffUser } from '../staff/users.js';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import {
  closeDay,
  matchSuspense,
  type PaymentInput,
  replay,
  requestHashOf,
  reversePayment,
  suspenseQueue,
} from '../payments/index.js';
import { actorOf, addRoute, type RouteTable } from './route-kit.js';
import {
  closeBody,
  matchBody,
  paymentBatchBody,
  paymentBody,
  paymentResponse,
  reversalBody,
  suspenseResponse,
} from './schemas.js';

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

type PaymentBody = z.output<typeof paymentBody>;

function toRequest(body: PaymentBody, user: StaffUser, key: string) {
  const input: PaymentInput = {
    channel: body.channel,
    provider: body.provider,
    providerTxnId: body.providerTxnId ?? `${user.id}:${key}`,
    accountNumber: body.accountNumber,
    amountMinor: body.amountMinor,
    currency: body.currency,
    receivedAtMs: body.receivedAtMs ?? null,
  };
  return { input, actor: actorOf(user, body, `${body.channel} payment`) };
}

export function paymentRoutes(
  app: Hono,
  table: RouteTable,
  ctx: AppContext,
  onPosted: () => void,
): void {
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/payments',
    summary:
      'Post a payment. Requires an Idempotency-Key header: a retry returns the first result ' +
      '(Idempotent-Replayed: true), the same key with another body is 422, ' +
      'a duplicate in flight is 409',
    permission: 'payments.post',
    body: paymentBody,
    response: paymentResponse,
    handler: async (c, { body, user }) => {
      const key = c.req.header('idempotency-key');
      if (key === undefined)
        throw new Problem(
          400,
          'idempotency-key-missing',
          'send an Idempotency-Key header',
          '/headers/idempotency-key',
        );
      if (!KEY_RE.test(key))
        throw new Problem(
          400,
          'invalid-idempotency-key',
          'Idempotency-Key is 8..128 of [A-Za-z0-9._:-]',
          '/headers/idempotency-key',
        );
      const { input, actor } = toRequest(body, user, key);
      const scopeKey = `${user.id}:${key}`;
      const res = await ctx.payments.submit({
        scopeKey,
        requestHash: requestHashOf(body),
        input,
        actor,
      });
      if (!res.ok) throw res.problem;
      if (!res.replayed) onPosted();
      return {
        status: res.status,
        body: res.body,
        headers: { 'idempotent-replayed': String(res.replayed) },
      };
    },
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/payments/batch',
    summary:
      'Post up to 500 payments (a bank file, an aggregator callback batch); each item has its ' +
      'own idempotencyKey and gets its own status and body or problem, in order',
    permission: 'payments.post',
    body: paymentBatchBody,
    handler: async (_c, { body, user }) => {
      const results = await Promise.all(
        body.items.map(async ({ idempotencyKey, ...item }) => {
          const { input, actor } = toRequest(item, user, idempotencyKey);
          const scopeKey = `${user.id}:${idempotencyKey}`;
          const res = await ctx.payments.submit({
            scopeKey,
            requestHash: requestHashOf(item),
            input,
            actor,
          });
          if (!res.ok) return { status: res.problem.status, problem: res.problem.toJSON() };
          if (!res.replayed) onPosted();
          return { status: res.status, replayed: res.replayed, body: res.body };
        }),
      );
      return { status: 200, body: { results } };
    },
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/payments/{id}',
    summary: 'One payment with its allocation and top-up token',
    permission: 'ledger.read',
    response: paymentResponse,
    handler: async (c) => {
      const id = c.req.param('id') ?? '';
      const body = await ctx.store.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('payments')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw notFound('payment', id);
        return { ...(await replay(trx, row)), duplicate: false, status: row.status };
      });
      return { status: 200, body };
    },
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/payments/{id}/reversal',
    summary: 'Reverse a payment with a reason code (bounced, chargeback, ...)',
    permission: 'payments.reverse',
    body: reversalBody,
    handler: async (c, { body, user }) => ({
      status: 201,
      body: await reversePayment(
        ctx,
        actorOf(user, body, body.reasonCode),
        c.req.param('id') ?? '',
        body.reasonCode,
      ),
    }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/suspense',
    summary: 'Payments received for no known account, oldest first',
    permission: 'ledger.read',
    response: suspenseResponse,
    handler: async () => ({ status: 200, body: await suspenseQueue(ctx.store.db) }),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/suspense/{id}/match',
    summary: 'Move a suspense payment onto an account',
    permission: 'payments.reverse',
    body: matchBody,
    handler: async (c, { body, user }) => ({
      status: 201,
      body: await matchSuspense(
        ctx,
        actorOf(user, body, 'suspense match'),
        c.req.param('id') ?? '',
        body.accountNumber,
      ),
    }),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/cashier/close',
    summary:
      "Close the signed-in cashier's local day (the utility's time zone): count, total, " +
      'declared cash and difference',
    permission: 'payments.close',
    body: closeBody,
    handler: async (_c, { body, user }) => ({
      status: 201,
      body: await closeDay(ctx, actorOf(user, body, 'daily close'), body),
    }),
  });
}
