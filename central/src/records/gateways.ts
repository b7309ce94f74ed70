import { createHash } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Actor } from '../staff/audit.js';
import { mustExist } from './customers.js';
import { auditedWrite } from './write.js';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

/** Registers a gateway; the credential secret is returned once and stored only as a hash. */
export function addGateway(ctx: AppContext, actor: Actor, input: { id: string; name: string }) {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(input.id)) {
    throw new Problem(
      422,
      'invalid-gateway-id',
      'gateway id must be 1..64 of [A-Za-z0-9._-]',
      '/id',
    );
  }
  const secret = `gw_${Buffer.from(ctx.random(24)).toString('base64url')}`;
  return auditedWrite(ctx, actor, 'gateway.add', async (trx) => {
    const dup = await trx
      .selectFrom('gateways')
      .select('id')
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (dup) throw new Problem(409, 'duplicate-gateway', `gateway ${input.id} exists`, '/id');
    await trx
      .insertInto('gateways')
      .values({
        id: input.id,
        name: input.name,
        secret_hash: sha256(secret),
        created_at_ms: BigInt(ctx.clock.wallMs()),
      })
      .execute();
    return { result: { id: input.id, name: input.name, secret }, target: `gateway:${input.id}` };
  });
}

/** Assigns a meter to a gateway (a meter has at most one gateway; reassigning moves it). */
export function assignMeter(ctx: AppContext, actor: Actor, gatewayId: string, meterId: string) {
  return auditedWrite(ctx, actor, 'gateway.assign-meter', async (trx) => {
    await mustExist(trx, 'gateways', gatewayId, 'gateway', '/gatewayId');
    await mustExist(trx, 'meters', meterId, 'meter', '/meterId');
    const at = BigInt(ctx.clock.wallMs());
    await trx
      .insertInto('gateway_meters')
      .values({ gateway_id: gatewayId, meter_id: meterId, assigned_at_ms: at })
      .onConflict((oc) =>
        oc.column('meter_id').doUpdateSet({ gateway_id: gatewayId, assigned_at_ms: at }),
      )
      .execute();
    return { result: { gatewayId, meterId }, target: `gateway:${gatewayId}` };
  });
}

/** Checks a gateway credential (for the sync endpoints). */
export async function gatewayCredentialOk(ctx: AppContext, gatewayId: string, secret: string) {
  const row = await ctx.store.db
    .selectFrom('gateways')
    .select('secret_hash')
    .where('id', '=', gatewayId)
    .executeTakeFirst();
  return row !== undefined && row.secret_hash === sha256(secret);
}
