import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { edgeChargeAccounts, readEdgeCharges } from '../../src/sync/edge-charge-source.js';
import { syncDb } from '../../src/sync/sync-schema.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';

const DAY = Date.UTC(2026, 10, 27);

function row(id: string, gw: string, acc: string, startMs: number, amount: bigint) {
  return {
    charge_id: id,
    gateway_id: gw,
    account_id: acc,
    meter_id: `m-${acc}`,
    interval_start_ms: BigInt(startMs),
    interval_seconds: 900n,
    energy_wh: 412n,
    amount_minor: amount,
    currency: 'KES',
    tariff_version_id: 'tv-1',
    price_source: id === 'c3' ? 'fallback' : 'tariff',
  };
}

describe.each(BACKENDS)('edge charge source on $name', (b) => {
  let store: Store;
  beforeAll(async () => {
    if (b.skip) return;
    store = await b.open();
    await syncDb(store.db)
      .insertInto('edge_charges')
      .values([
        row('c2', 'gw-1', 'a1', DAY + 900_000, 9n),
        row('c1', 'gw-1', 'a1', DAY, 8n),
        row('c3', 'gw-1', 'a2', DAY, 2n ** 60n),
        row('c4', 'gw-1', 'a1', DAY + 86_400_000, 1n),
        row('c5', 'gw-2', 'a1', DAY, 1n),
      ])
      .execute();
  });
  afterAll(async () => {
    if (!b.skip) await store.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: reads one gateway and range, ordered`, async () => {
    const db = syncDb(store.db);
    const got = await readEdgeCharges(db, {
      gatewayId: 'gw-1',
      fromMs: DAY,
      toMs: DAY + 86_400_000,
    });
    expect(got.map((c) => c.chargeId)).toEqual(['c1', 'c2', 'c3']);
    expect(got[0]).toEqual({
      chargeId: 'c1',
      gatewayId: 'gw-1',
      accountId: 'a1',
      meterId: 'm-a1',
      intervalStartMs: DAY,
      intervalSeconds: 900,
      energyWh: 412,
      amountMinor: 8n,
      currency: 'KES',
      tariffVersionId: 'tv-1',
      priceSource: 'tariff',
    });
    expect(got[2]).toMatchObject({ amountMinor: 2n ** 60n, priceSource: 'fallback' });
    const a2 = await readEdgeCharges(db, {
      gatewayId: 'gw-1',
      fromMs: DAY,
      toMs: DAY + 2 * 86_400_000,
      accountIds: ['a2'],
    });
    expect(a2.map((c) => c.chargeId)).toEqual(['c3']);
    const none = { gatewayId: 'gw-1', fromMs: DAY, toMs: DAY + 1, accountIds: [] };
    expect(await readEdgeCharges(db, none)).toEqual([]);
    const range = { gatewayId: 'gw-1', fromMs: DAY, toMs: DAY + 86_400_000 };
    expect(await edgeChargeAccounts(db, range)).toEqual(['a1', 'a2']);
  });
});
