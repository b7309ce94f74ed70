import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import { notFound } from '../app/problem.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { auditedWrite } from './write.js';

export interface CustomerInput {
  name: string;
  phone: string;
  email: string;
}

export function addCustomer(ctx: AppContext, actor: Actor, input: CustomerInput) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'customer.add', async (trx) => {
    await trx
      .insertInto('customers')
      .values({ id, ...input, created_at_ms: BigInt(ctx.clock.wallMs()) })
      .execute();
    return { result: { id, ...input }, target: `customer:${id}` };
  });
}

export function addPremise(
  ctx: AppContext,
  actor: Actor,
  input: { customerId: string; address: string; timeZone: string },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'premise.add', async (trx) => {
    await mustExist(trx, 'customers', input.customerId, 'customer', '/customerId');
    await trx
      .insertInto('premises')
      .values({
        id,
        customer_id: input.customerId,
        address: input.address,
        time_zone: input.timeZone,
      })
      .execute();
    return { result: { id, ...input }, target: `premise:${id}` };
  });
}

export function addServicePoint(
  ctx: AppContext,
  actor: Actor,
  input: { premiseId: string; kind: string },
) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'service-point.add', async (trx) => {
    await mustExist(trx, 'premises', input.premiseId, 'premise', '/premiseId');
    await trx
      .insertInto('service_points')
      .values({ id, premise_id: input.premiseId, kind: input.kind })
      .execute();
    return { result: { id, ...input }, target: `service-point:${id}` };
  });
}

type IdTable = 'customers' | 'premises' | 'service_points' | 'meters' | 'accounts' | 'gateways';

/** Throws a 422 naming `field` when the referenced row does not exist. */
export async function mustExist(
  db: Kysely<Database>,
  table: IdTable,
  id: string,
  what: string,
  field: string,
): Promise<void> {
  const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(what, id, field);
}

/** Customers whose name, phone, email or account number matches `q` (case-insensitive). */
export async function searchCustomers(db: Kysely<Database>, q: string, limit = 20) {
  const like = `%${q.toLowerCase().replaceAll('%', '')}%`;
  const rows = await db
    .selectFrom('customers')
    .leftJoin('accounts', 'accounts.customer_id', 'customers.id')
    .leftJoin('premises', 'premises.id', 'accounts.premise_id')
    .select([
      'customers.id as customerId',
      'customers.name',
      'customers.phone',
      'accounts.id as accountId',
      'accounts.number as accountNumber',
      'premises.address',
    ])
    .where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['customers.name']), 'like', like),
        eb('customers.phone', 'like', like),
        eb(eb.fn('lower', ['customers.email']), 'like', like),
        eb('accounts.number', 'like', like),
      ]),
    )
    .orderBy('customers.name')
    .limit(limit)
    .execute();
  return rows;
}
