import { contentId } from '@gridbill/shared/ids';
import { type EntryDraft, receivableAccount, revenueAccount } from '@gridbill/shared/ledger';
import type { Hono } from 'hono';
import type { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { StaffUser } from '../staff/users.js';
import { notFound, Problem } from '../app/problem.js';
import { appendEntry } from '../ledger/ledger-repo.js';
import {
  accountBalance,
  accountTimeline,
  addAccount,
  addCustomer,
  addGateway,
  addMeter,
  addPremise,
  addServicePoint,
  assignMeter,
  auditedWrite,
  exchangeMeter,
  findAccount,
  installMeter,
  metersOfPremise,
  removeMeter,
  searchCustomers,
  switchMode,
} from '../records/index.js';
import { actorOf, addRoute, type RouteTable } from './route-kit.js';
import * as s from './schemas.js';

export function recordRoutes(app: Hono, table: RouteTable, ctx: AppContext): void {
  const write = (
    path: string,
    summary: string,
    body: z.ZodType,
    run: (b: never, user: StaffUser, p: Record<string, string>) => Promise<unknown>,
    permission: 'records.write' | 'gateways.write' | 'ledger.adjust' = 'records.write',
  ) =>
    addRoute(app, table, ctx, {
      method: 'post',
      path,
      summary,
      permission,
      body,
      handler: async (c, { body: b, user }) => ({
        status: 201,
        body: await run(b as never, user, c.req.param() as Record<string, string>),
      }),
    });

  write(
    '/api/customers',
    'Create a customer',
    s.customerBody,
    (b: z.output<typeof s.customerBody>, u) =>
      addCustomer(ctx, actorOf(u, b, 'new customer'), {
        name: b.name,
        phone: b.phone,
        email: b.email,
      }),
  );
  write(
    '/api/premises',
    'Create a premise',
    s.premiseBody,
    (b: z.output<typeof s.premiseBody>, u) => addPremise(ctx, actorOf(u, b, 'new premise'), b),
  );
  write(
    '/api/service-points',
    'Create a service point at a premise',
    s.servicePointBody,
    (b: z.output<typeof s.servicePointBody>, u) =>
      addServicePoint(ctx, actorOf(u, b, 'new service point'), b),
  );
  write('/api/meters', 'Register a meter', s.meterBody, (b: z.output<typeof s.meterBody>, u) =>
    addMeter(ctx, actorOf(u, b, 'new meter'), b),
  );
  write(
    '/api/meters/{id}/install',
    'Install a meter with its initial read',
    s.installBody,
    (b: z.output<typeof s.installBody>, u, p) =>
      installMeter(ctx, actorOf(u, b, 'install'), {
        meterId: p.id!,
        servicePointId: b.servicePointId,
        atMs: b.atMs,
        readWh: b.readWh,
      }),
  );
  write(
    '/api/meters/{id}/remove',
    'Remove a meter with its final read',
    s.removeBody,
    (b: z.output<typeof s.removeBody>, u, p) =>
      removeMeter(ctx, actorOf(u, b, 'remove'), p.id!, b.atMs, b.finalReadWh),
  );
  write(
    '/api/meters/{id}/exchange',
    'Exchange a meter: final read of the old, initial read of the new',
    s.exchangeBody,
    (b: z.output<typeof s.exchangeBody>, u, p) =>
      exchangeMeter(ctx, actorOf(u, b, 'exchange'), { meterId: p.id!, ...b }),
  );
  write(
    '/api/accounts',
    'Open an account (prepaid, postpaid or hybrid)',
    s.accountBody,
    (b: z.output<typeof s.accountBody>, u) => addAccount(ctx, actorOf(u, b, 'new account'), b),
  );
  write(
    '/api/accounts/{ref}/mode',
    'Switch payment mode with an effective time and settlement',
    s.modeBody,
    async (b: z.output<typeof s.modeBody>, u, p) => {
      const a = await findAccount(ctx.store.db, p.ref!);
      if (!a) throw notFound('account', p.ref!);
      return switchMode(ctx, actorOf(u, b, 'mode switch'), a.id, b.mode, b.effectiveAtMs);
    },
  );
  write(
    '/api/accounts/{ref}/charges',
    'Post a charge (debit the customer, credit revenue)',
    s.chargeBody,
    async (b: z.output<typeof s.chargeBody>, u, p) => {
      const a = await findAccount(ctx.store.db, p.ref!);
      if (!a) throw notFound('account', p.ref!);
      const draft: EntryDraft = {
        id: contentId('charge', a.id, b.reference),
        kind: 'charge',
        currency: a.currency,
        effectiveAtMs: b.effectiveAtMs ?? ctx.clock.wallMs(),
        externalRef: `charge:${a.id}:${b.reference}`,
        postings: [
          { account: receivableAccount(a.id, b.category), amountMinor: b.amountMinor },
          { account: revenueAccount(b.component), amountMinor: -b.amountMinor },
        ],
        memo: b.reason,
        actorId: u.id,
      };
      return auditedWrite(ctx, actorOf(u, b, 'charge'), 'ledger.charge', async (trx) => {
        const r = await appendEntry(trx, draft, ctx.clock.wallMs());
        return {
          result: { entryId: r.entry.id, status: r.status },
          target: `entry:${r.entry.id}`,
          accountId: a.id,
        };
      });
    },
    'ledger.adjust',
  );
  write(
    '/api/gateways',
    'Register a gateway; returns its credential secret once',
    s.gatewayBody,
    (b: z.output<typeof s.gatewayBody>, u) => addGateway(ctx, actorOf(u, b, 'new gateway'), b),
    'gateways.write',
  );
  write(
    '/api/gateways/{id}/meters',
    'Assign a meter to a gateway',
    s.assignBody,
    (b: z.output<typeof s.assignBody>, u, p) =>
      assignMeter(ctx, actorOf(u, b, 'assign meter'), p.id!, b.meterId),
    'gateways.write',
  );

  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/customers',
    summary: 'Search customers by name, phone, email or account number (?q=)',
    permission: 'records.read',
    handler: async (c) => ({
      status: 200,
      body: await searchCustomers(ctx.store.db, c.req.query('q') ?? ''),
    }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/accounts/{ref}',
    summary: 'Customer 360: account, customer, balance, arrears, meters, timeline, payments',
    permission: 'records.read',
    response: s.account360Response,
    handler: async (c) => ({ status: 200, body: await account360(ctx, c.req.param('ref') ?? '') }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/accounts/{ref}/balance',
    summary: 'Balance at an instant (?atMs=), from the ledger postings',
    permission: 'ledger.read',
    response: s.balanceResponse,
    handler: async (c) => {
      const a = await findAccount(ctx.store.db, c.req.param('ref') ?? '');
      if (!a) throw notFound('account', c.req.param('ref') ?? '');
      const at = c.req.query('atMs');
      const atMs = at === undefined ? undefined : Number.parseInt(at, 10);
      if (atMs !== undefined && (!/^\d{1,16}$/.test(at ?? '') || Number.isNaN(atMs))) {
        throw new Problem(400, 'invalid-request', 'atMs must be epoch milliseconds', '/query/atMs');
      }
      return {
        status: 200,
        body: {
          accountId: a.id,
          atMs: atMs ?? null,
          ...(await accountBalance(ctx.store.db, a.id, atMs)),
        },
      };
    },
  });
}

/** Everything the customer-360 screen and API show. */
export async function account360(ctx: AppContext, ref: string) {
  const db = ctx.store.db;
  const a = await findAccount(db, ref);
  if (!a) throw notFound('account', ref);
  const customer = await db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', a.customer_id)
    .executeTakeFirstOrThrow();
  const premise = a.premise_id
    ? await db.selectFrom('premises').selectAll().where('id', '=', a.premise_id).executeTakeFirst()
    : undefined;
  const payments = await db
    .selectFrom('payments')
    .selectAll()
    .where('account_id', '=', a.id)
    .orderBy('received_at_ms', 'desc')
    .limit(50)
    .execute();
  return {
    account: {
      id: a.id,
      number: a.number,
      mode: a.mode,
      currency: a.currency,
      allocationRule: a.allocation_rule,
    },
    customer: {
      id: customer.id,
      name: customer.name,
      phone: customer.phone,
      email: customer.email,
    },
    premise: premise
      ? { id: premise.id, address: premise.address, timeZone: premise.time_zone }
      : null,
    ...(await accountBalance(db, a.id)),
    meters: a.premise_id ? await metersOfPremise(db, a.premise_id) : [],
    timeline: await accountTimeline(db, a.id),
    payments: payments.map((p) => ({
      id: p.id,
      channel: p.channel,
      provider: p.provider,
      providerTxnId: p.provider_txn_id,
      amountMinor: BigInt(p.amount_minor),
      status: p.status,
      receivedAtMs: Number(p.received_at_ms),
    })),
  };
}
