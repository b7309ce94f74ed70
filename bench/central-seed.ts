/**
 * Bench helper: a gateway on central with `meters` meters, one prepaid account each, written
 * straight into the tables (the API would take minutes for 1,000 accounts). Ownership
 * (`loadGatewayScope`) sees the same joins as after the API calls.
 * Meter i is `m-00000i` (6 digits), its account `A-00000i`.
 */
import type { Store } from '../central/src/store/index.js';
import { syncDb } from '../central/src/sync/index.js';

export const meterIdOf = (i: number) => `m-${String(i).padStart(6, '0')}`;
export const accountIdOf = (i: number) => `A-${String(i).padStart(6, '0')}`;

export async function seedGateway(store: Store, gatewayId: string, meters: number) {
  const db = syncDb(store.db);
  await db
    .insertInto('gateways')
    .values({ id: gatewayId, name: 'bench', secret_hash: '-', created_at_ms: 0n })
    .execute();
  const ids = Array.from({ length: meters }, (_, i) => i);
  const tables: [string, (i: number) => Record<string, unknown>][] = [
    [
      'customers',
      (i) => ({ id: `c${i}`, name: `C ${i}`, phone: '+2547', email: '', created_at_ms: 0n }),
    ],
    [
      'premises',
      (i) => ({ id: `p${i}`, customer_id: `c${i}`, address: 'x', time_zone: 'Africa/Nairobi' }),
    ],
    ['service_points', (i) => ({ id: `sp${i}`, premise_id: `p${i}`, kind: 'electricity' })],
    ['meters', (i) => ({ id: meterIdOf(i), serial: `S${i}`, model: 'bench', created_at_ms: 0n })],
    [
      'meter_events',
      (i) => ({
        id: `me${i}`,
        meter_id: meterIdOf(i),
        service_point_id: `sp${i}`,
        kind: 'install',
        at_ms: 0n,
        read_wh: 0n,
      }),
    ],
    [
      'accounts',
      (i) => ({
        id: accountIdOf(i),
        number: `N${i}`,
        customer_id: `c${i}`,
        premise_id: `p${i}`,
        currency: 'KES',
        mode: 'prepaid',
        allocation_rule: 'oldest-first',
        tariff_id: null,
        created_at_ms: 0n,
      }),
    ],
    [
      'gateway_meters',
      (i) => ({ gateway_id: gatewayId, meter_id: meterIdOf(i), assigned_at_ms: 0n }),
    ],
  ];
  for (const [table, row] of tables) {
    for (let i = 0; i < meters; i += 200)
      await db
        .insertInto(table as never)
        .values(ids.slice(i, i + 200).map(row) as never)
        .execute();
  }
}
