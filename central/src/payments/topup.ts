import { signToken } from '@gridbill/shared/token';
import type { Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Database } from '../store/schema.js';
import type { TopUpResult } from './payment-types.js';

/** The gateway serving an account's installed meters, if any. */
async function gatewayOfAccount(trx: Transaction<Database>, premiseId: string | null) {
  if (!premiseId) return undefined;
  const rows = await trx
    .selectFrom('meter_events')
    .innerJoin('service_points', 'service_points.id', 'meter_events.service_point_id')
    .innerJoin('gateway_meters', 'gateway_meters.meter_id', 'meter_events.meter_id')
    .select(['gateway_meters.gateway_id', 'meter_events.kind', 'meter_events.at_ms'])
    .where('service_points.premise_id', '=', premiseId)
    .orderBy('meter_events.at_ms', 'desc')
    .execute();
  return rows.find((r) => r.kind === 'install')?.gateway_id;
}

/**
 * Issues the offline token for a wallet credit: token id = ledger entry id, so the gateway
 * credits once whether the top-up arrives by token or by the sync feed.
 */
export async function issueTopUp(
  ctx: AppContext,
  trx: Transaction<Database>,
  t: {
    entryId: string;
    accountId: string;
    premiseId: string | null;
    amountMinor: bigint;
    currency: string;
  },
): Promise<TopUpResult | null> {
  const gatewayId = await gatewayOfAccount(trx, t.premiseId);
  if (!gatewayId) return null;
  const issuedAtMs = ctx.clock.wallMs();
  const expiresAtMs = issuedAtMs + ctx.tokenLifetimeMs;
  const token = signToken(
    {
      tokenId: t.entryId,
      keyId: ctx.tokenKey.keyId,
      gatewayId,
      accountId: t.accountId,
      amountMinor: t.amountMinor,
      currency: t.currency,
      issuedAtMs,
      expiresAtMs,
    },
    ctx.tokenKey.privateKey,
  );
  await trx
    .insertInto('topups')
    .values({
      id: t.entryId,
      account_id: t.accountId,
      gateway_id: gatewayId,
      token,
      expires_at_ms: BigInt(expiresAtMs),
    })
    .execute();
  return {
    tokenId: t.entryId,
    token,
    gatewayId,
    amountMinor: t.amountMinor.toString(),
    expiresAtMs,
  };
}
