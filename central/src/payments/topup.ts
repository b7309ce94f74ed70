import { signToken } from '@gridbill/shared/token';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Database } from '../store/schema.js';
import type { TopUpResult } from './payment-types.js';

/** The gateway serving the meter installed last at a premise, if any. */
export async function gatewayOfPremise(db: Kysely<Database>, premiseId: string | null) {
  if (!premiseId) return undefined;
  const rows = await db
    .selectFrom('meter_events')
    .innerJoin('service_points', 'service_points.id', 'meter_events.service_point_id')
    .innerJoin('gateway_meters', 'gateway_meters.meter_id', 'meter_events.meter_id')
    .select(['gateway_meters.gateway_id', 'meter_events.kind', 'meter_events.at_ms'])
    .where('service_points.premise_id', '=', premiseId)
    .orderBy('meter_events.at_ms', 'desc')
    .execute();
  return rows.find((r) => r.kind === 'install')?.gateway_id;
}

export interface TopUpIssue {
  entryId: string;
  accountId: string;
  gatewayId: string;
  amountMinor: bigint;
  currency: string;
}

/**
 * Signs the offline token for a wallet credit: token id = ledger entry id, so the gateway
 * credits once whether the top-up arrives by token or by the sync feed. Returns the row to
 * store and the result to show.
 */
export function signTopUp(ctx: AppContext, t: TopUpIssue) {
  const issuedAtMs = ctx.clock.wallMs();
  const expiresAtMs = issuedAtMs + ctx.tokenLifetimeMs;
  const token = signToken(
    {
      tokenId: t.entryId,
      keyId: ctx.tokenKey.keyId,
      gatewayId: t.gatewayId,
      accountId: t.accountId,
      amountMinor: t.amountMinor,
      currency: t.currency,
      issuedAtMs,
      expiresAtMs,
    },
    ctx.tokenKey.privateKey,
  );
  const row: Database['topups'] = {
    id: t.entryId,
    account_id: t.accountId,
    gateway_id: t.gatewayId,
    token,
    expires_at_ms: BigInt(expiresAtMs),
  };
  const result: TopUpResult = {
    tokenId: t.entryId,
    token,
    gatewayId: t.gatewayId,
    amountMinor: t.amountMinor.toString(),
    expiresAtMs,
  };
  return { row, result };
}
