import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import {
  addBillingCycle,
  addDiscountProgramme,
  addRoute as addMeterRoute,
  assignTariff,
  enrolAccount,
  listPlans,
} from '../records/plans.js';
import { actorOf, addRoute, type RouteTable } from './route-kit.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const audit = { reason: text(200).optional(), comment: z.string().max(2000).optional() };
const zone = text(64).refine(
  (tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC',
  'unknown IANA time zone',
);

const discountRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent'), basisPoints: z.int().min(1).max(10_000) }),
  z.strictObject({
    kind: z.literal('per-kwh'),
    priceMicrosPerKwh: z.int().min(1).max(1_000_000_000),
  }),
  z.strictObject({ kind: z.literal('free-allowance'), whPerMonth: z.int().min(1).max(10_000_000) }),
]);
const programmeBody = z.strictObject({ name: text(120), rule: discountRule, ...audit });
const enrolBody = z.strictObject({
  accountNumber: text(64),
  fromMs: z.int().nonnegative(),
  evidence: text(500),
  ...audit,
});
const cycleBody = z.strictObject({
  name: text(120),
  dayOfMonth: z.int().min(1).max(28),
  timeZone: zone,
  ...audit,
});
const routeBody = z.strictObject({
  name: text(120),
  billingCycleId: text(64).nullable().default(null),
  meterIds: z.array(text(64)).max(5000),
  ...audit,
});
const tariffBody = z.strictObject({ tariffId: text(80), ...audit });

/** Discount programmes and eligibility, billing cycles, reading routes, account tariffs. */
export function planRoutes(app: Hono, table: RouteTable, ctx: AppContext): void {
  const created = async (p: Promise<unknown>) => ({ status: 201, body: await p });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/discount-programmes',
    summary: 'Create a discount programme (percent, per kWh or free allowance)',
    permission: 'records.write',
    body: programmeBody,
    handler: (_c, { body, user }) =>
      created(addDiscountProgramme(ctx, actorOf(user, body, 'new programme'), body)),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/discount-programmes/{id}/enrolments',
    summary: 'Enrol an eligible account from a date, with the evidence',
    permission: 'records.write',
    body: enrolBody,
    handler: (c, { body, user }) =>
      created(enrolAccount(ctx, actorOf(user, body, 'enrolment'), c.req.param('id') ?? '', body)),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/billing-cycles',
    summary: 'Create a billing cycle (day of month in a local time zone)',
    permission: 'records.write',
    body: cycleBody,
    handler: (_c, { body, user }) =>
      created(addBillingCycle(ctx, actorOf(user, body, 'new cycle'), body)),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/routes',
    summary: 'Create a meter reading route (meters in walking order)',
    permission: 'records.write',
    body: routeBody,
    handler: (_c, { body, user }) =>
      created(addMeterRoute(ctx, actorOf(user, body, 'new route'), body)),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/accounts/{ref}/tariff',
    summary: 'Assign a tariff to an account',
    permission: 'records.write',
    body: tariffBody,
    handler: (c, { body, user }) =>
      created(
        assignTariff(ctx, actorOf(user, body, 'tariff'), c.req.param('ref') ?? '', body.tariffId),
      ),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/plans',
    summary: 'Discount programmes, billing cycles and reading routes',
    permission: 'records.read',
    handler: async () => ({ status: 200, body: await listPlans(ctx.store.db) }),
  });
}
