import type { GatewayScope } from '@gridbill/shared/sync';
import type { SyncTrx } from './sync-schema.js';

/**
 * Central's current assignments for a gateway: its meters (`gateway_meters`) and the accounts
 * whose premise has one of those meters installed.
 */
export async function loadGatewayScope(trx: SyncTrx, gatewayId: string): Promise<GatewayScope> {
  const meters = await trx
    .selectFrom('gateway_meters')
    .select('meter_id')
    .where('gateway_id', '=', gatewayId)
    .execute();
  const accounts = await trx
    .selectFrom('accounts')
    .innerJoin('service_points', 'service_points.premise_id', 'accounts.premise_id')
    .innerJoin('meter_events', 'meter_events.service_point_id', 'service_points.id')
    .innerJoin('gateway_meters', 'gateway_meters.meter_id', 'meter_events.meter_id')
    .select('accounts.id')
    .where('gateway_meters.gateway_id', '=', gatewayId)
    .distinct()
    .execute();
  const meterIds = new Set(meters.map((m) => m.meter_id));
  const accountIds = new Set(accounts.map((a) => a.id));
  return {
    ownsMeter: (id) => meterIds.has(id),
    ownsAccount: (id) => accountIds.has(id),
  };
}
