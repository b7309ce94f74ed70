import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { findAccount } from './accounts.js';
import { mustExist } from './customers.js';
import { auditedWrite } from './write.js';

/**
 * A discount programme rule, stored as JSON and applied by the tariff kernel at billing.
 *
 * @example { kind: 'percent', basisPoints: 2000 }  // 20 % off energy charges
 * @example { kind: 'free-allowance', whPerMonth: 30000 }  // first 30 kWh free each month
 */
export type DiscountRule =
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'per-kwh'; priceMicrosPerKwh: number }
  | { kind: 'free-allowance'; whPerMonth: number };

export function addDiscountProgramme(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; rule: DiscountRule },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'discount.add', async (trx) => {
    await trx
      .insertInto('discount_programmes')
      .values({
        id,
        name: input.name,
        rule: JSON.stringify(input.rule),
        created_at_ms: BigInt(ctx.clock.wallMs()),
      })
      .execute();
    return { result: { id, ...input }, target: `discount:${id}` };
  });
}

/** Enrols an account from a date, with the evidence of eligibility (e.g. a CARE certificate). */
export function enrolAccount(
  ctx: AppContext,
  actor: Actor,
  programmeId: string,
  input: { accountNumber: string; fromMs: number; evidence: string },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'discount.enrol', async (trx) => {
    const p = await trx
      .selectFrom('discount_programmes')
      .select('id')
      .where('id', '=', programmeId)
      .executeTakeFirst();
    if (!p) throw notFound('discount programme', programmeId);
    const a = await findAccount(trx, input.accountNumber);
    if (!a) throw notFound('account', input.accountNumber, '/accountNumber');
    const dup = await trx
      .selectFrom('discount_enrolments')
      .select('id')
      .where('programme_id', '=', programmeId)
      .where('account_id', '=', a.id)
      .executeTakeFirst();
    if (dup)
      throw new Problem(
        409,
        'already-enrolled',
        `account ${a.number} is already enrolled`,
        '/accountNumber',
      );
    await trx
      .insertInto('discount_enrolments')
      .values({
        id,
        programme_id: programmeId,
        account_id: a.id,
        from_ms: BigInt(input.fromMs),
        evidence: input.evidence,
      })
      .execute();
    return {
      result: { id, programmeId, accountId: a.id, fromMs: input.fromMs },
      target: `discount:${programmeId}`,
      accountId: a.id,
    };
  });
}

export function addBillingCycle(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; dayOfMonth: number; timeZone: string },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'billing-cycle.add', async (trx) => {
    await trx
      .insertInto('billing_cycles')
      .values({
        id,
        name: input.name,
        day_of_month: BigInt(input.dayOfMonth),
        time_zone: input.timeZone,
      })
      .execute();
    return { result: { id, ...input }, target: `billing-cycle:${id}` };
  });
}

/** A meter reading route: meters in walking order, optionally tied to a billing cycle. */
export function addRoute(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; billingCycleId: string | null; meterIds: string[] },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'route.add', async (trx) => {
    if (input.billingCycleId) {
      const c = await trx
        .selectFrom('billing_cycles')
        .select('id')
        .where('id', '=', input.billingCycleId)
        .executeTakeFirst();
      if (!c) throw notFound('billing cycle', input.billingCycleId, '/billingCycleId');
    }
    if (new Set(input.meterIds).size !== input.meterIds.length) {
      throw new Problem(422, 'duplicate-meter', 'a meter appears twice on the route', '/meterIds');
    }
    for (const [i, m] of input.meterIds.entries())
      await mustExist(trx, 'meters', m, 'meter', `/meterIds/${i}`);
    await trx
      .insertInto('routes')
      .values({ id, name: input.name, billing_cycle_id: input.billingCycleId })
      .execute();
    if (input.meterIds.length > 0) {
      await trx
        .insertInto('route_meters')
        .values(input.meterIds.map((m, i) => ({ route_id: id, meter_id: m, position: BigInt(i) })))
        .execute();
    }
    return { result: { id, ...input }, target: `route:${id}` };
  });
}

/** Assigns a tariff to an account (the tariff must exist; versions decide the prices). */
export function assignTariff(ctx: AppContext, actor: Actor, accountRef: string, tariffId: string) {
  return auditedWrite(ctx, actor, 'account.tariff', async (trx) => {
    const a = await findAccount(trx, accountRef);
    if (!a) throw notFound('account', accountRef);
    const t = await trx
      .selectFrom('tariffs')
      .select(['id', 'currency'])
      .where('id', '=', tariffId)
      .executeTakeFirst();
    if (!t) throw notFound('tariff', tariffId, '/tariffId');
    if (t.currency !== a.currency) {
      const detail = `tariff ${tariffId} is in ${t.currency}, account ${a.number} in ${a.currency}`;
      throw new Problem(422, 'currency-mismatch', detail, '/tariffId');
    }
    await trx.updateTable('accounts').set({ tariff_id: tariffId }).where('id', '=', a.id).execute();
    return { result: { accountId: a.id, tariffId }, target: `account:${a.id}`, accountId: a.id };
  });
}

/** Programmes, cycles and routes for listing screens and APIs. */
export async function listPlans(db: Kysely<Database>) {
  const programmes = await db
    .selectFrom('discount_programmes')
    .selectAll()
    .orderBy('name')
    .execute();
  const cycles = await db.selectFrom('billing_cycles').selectAll().orderBy('name').execute();
  const routes = await db.selectFrom('routes').selectAll().orderBy('name').execute();
  const stops = await db.selectFrom('route_meters').selectAll().orderBy('position').execute();
  return {
    discountProgrammes: programmes.map((p) => ({
      id: p.id,
      name: p.name,
      rule: JSON.parse(p.rule) as DiscountRule,
    })),
    billingCycles: cycles.map((c) => ({
      id: c.id,
      name: c.name,
      dayOfMonth: c.day_of_month,
      timeZone: c.time_zone,
    })),
    routes: routes.map((r) => ({
      id: r.id,
      name: r.name,
      billingCycleId: r.billing_cycle_id,
      meterIds: stops.filter((s) => s.route_id === r.id).map((s) => s.meter_id),
    })),
  };
}
