import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chargeId } from '@gridbill/shared/tariff';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openStore, type Store } from '../../src/store/index.js';
import { type ChargeInput, storeChargesOnce } from '../../src/sync/charge-days.js';
import {
  countEdgeCharges,
  edgeChargeAccounts,
  edgeChargeGateways,
  edgeChargeTotalsBefore,
  readEdgeCharges,
} from '../../src/sync/edge-charge-source.js';
import { migrateSync } from '../../src/sync/sync-migrations.js';
import { syncDb } from '../../src/sync/sync-schema.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { testPgUrl, testSchemaName } from '../helpers/pg-schemas.js';

const DAY = Date.UTC(2026, 10, 27);
const D = 86_400_000;

function charge(acc: string, startMs: number, amount: bigint, source = 'tariff'): ChargeInput {
  return {
    meterId: `m-${acc}`,
    accountId: acc,
    startMs,
    seconds: 900,
    energyWh: 412,
    amountMinor: amount,
    currency: 'KES',
    tariffVersionId: 'tv-1',
    priceSource: source as 'tariff',
  };
}

/** The charges of the reader test: (gateway, charge), c1..c5 in the old test's naming. */
const CHARGES: [string, ChargeInput][] = [
  ['gw-1', charge('a1', DAY + 900_000, 9n)], // c2
  ['gw-1', charge('a1', DAY, 8n)], // c1
  ['gw-1', charge('a2', DAY, 2n ** 60n, 'fallback')], // c3
  ['gw-1', charge('a1', DAY + D, 1n)], // c4
  ['gw-2', charge('a1', DAY, 1n)], // c5
];
const id = (c: ChargeInput) => chargeId(c.meterId, c.startMs, c.tariffVersionId);
const [c2, c1, c3] = CHARGES.map(([, c]) => c) as [ChargeInput, ChargeInput, ChargeInput];

async function storeAll(store: Store, list: [string, ChargeInput][]) {
  const raw = store.db as unknown as Kysely<unknown>;
  const fresh = [];
  for (const [gw, c] of list) fresh.push(...(await storeChargesOnce(raw, gw, [c])));
  return fresh;
}

async function expectReads(store: Store) {
  const db = syncDb(store.db);
  const got = await readEdgeCharges(db, { gatewayId: 'gw-1', fromMs: DAY, toMs: DAY + D });
  expect(got.map((c) => c.chargeId)).toEqual([id(c1), id(c2), id(c3)]);
  expect(got[0]).toEqual({
    chargeId: id(c1),
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
    toMs: DAY + 2 * D,
    accountIds: ['a2'],
  });
  expect(a2.map((c) => c.chargeId)).toEqual([id(c3)]);
  const none = { gatewayId: 'gw-1', fromMs: DAY, toMs: DAY + 1, accountIds: [] };
  expect(await readEdgeCharges(db, none)).toEqual([]);
  const range = { gatewayId: 'gw-1', fromMs: DAY, toMs: DAY + D };
  expect(await edgeChargeAccounts(db, range)).toEqual(['a1', 'a2']);
  // a range inside one day: only the charge at DAY + 15 min
  const part = { gatewayId: 'gw-1', fromMs: DAY + 1, toMs: DAY + D - 1 };
  expect((await readEdgeCharges(db, part)).map((c) => c.chargeId)).toEqual([id(c2)]);
  expect(await edgeChargeAccounts(db, part)).toEqual(['a1']);
  expect(await edgeChargeGateways(db, DAY, DAY + D)).toEqual(['gw-1', 'gw-2']);
  expect(await edgeChargeGateways(db, DAY + D, DAY + 2 * D)).toEqual(['gw-1']);
  expect(await edgeChargeGateways(db, DAY + 1, DAY + 900_000)).toEqual([]);
  const before = { gatewayId: 'gw-1', accountId: 'a1', meterId: 'm-a1' };
  expect(await edgeChargeTotalsBefore(db, { ...before, beforeMs: DAY + D })).toEqual({
    count: 2,
    energyWh: 824,
  });
  expect(await countEdgeCharges(db)).toBe(5);
  expect(await countEdgeCharges(db, 'gw-2')).toBe(1);
}

describe.each(BACKENDS)('edge charge source on $name', (b) => {
  let store: Store;
  beforeAll(async () => {
    if (b.skip) return;
    store = await b.open();
  });
  afterAll(async () => {
    if (!b.skip) await store.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: reads one gateway and range, ordered`, async () => {
    expect(await storeAll(store, CHARGES)).toHaveLength(5);
    await expectReads(store);
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: stores a charge id once, any account`, async () => {
    const raw = store.db as unknown as Kysely<unknown>;
    // a replay, the same key under another amount or account: nothing new
    const again = [c1, { ...c1, amountMinor: 99n }, { ...c1, accountId: 'a9' }];
    expect(await storeChargesOnce(raw, 'gw-1', again)).toEqual([]);
    const other = { ...c1, tariffVersionId: 'tv-2' };
    expect(await storeChargesOnce(raw, 'gw-1', [other, other])).toEqual([other]);
    expect(await countEdgeCharges(syncDb(store.db), 'gw-1')).toBe(5);
    // m-x moved from account x1 to x2 and back within a day: rows of two accounts; a late
    // charge between them is new, a repeat of x1's latest start is not
    const x = (acc: string, minutes: number) => ({
      ...charge('x', DAY + minutes * 60_000, 1n),
      accountId: acc,
    });
    await storeChargesOnce(raw, 'gw-1', [x('x1', 0), x('x2', 15), x('x1', 30)]);
    const late = [x('x2', 20), x('x1', 30)];
    expect(await storeChargesOnce(raw, 'gw-1', late)).toEqual([late[0]]);
    const xs = await readEdgeCharges(syncDb(store.db), {
      gatewayId: 'gw-1',
      fromMs: DAY,
      toMs: DAY + D,
      accountIds: ['x1', 'x2'],
    });
    expect(xs.map((c) => `${c.accountId}@${(c.intervalStartMs - DAY) / 60_000}`)).toEqual([
      'x1@0',
      'x1@30',
      'x2@15',
      'x2@20',
    ]);
  });
});

/** A store migrated up to 0005 (edge_charges as rows), as before the packed table. */
async function openAt0005(name: 'sqlite' | 'postgres') {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gridbill-charges-'));
    const store = await openStore({ dataDir: dir });
    return { store, done: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  // in this worker's test database, dropped when the run ends (`pg-schemas.ts`)
  const store = await openStore({ db: await testPgUrl(), pgSchema: testSchemaName() });
  return { store, done: async () => {} };
}

describe.each(BACKENDS)('migration 0006 on $name', (b) => {
  it.skipIf(b.skip)(`${backendTitle(b)}: copies edge_charges rows, then drops them`, async () => {
    const { store, done } = await openAt0005(b.name);
    try {
      await migrate(store);
      await migrateSync(store, '0005_rerate_checkpoints');
      const old = store.db as unknown as Kysely<{ edge_charges: Record<string, unknown> }>;
      await old
        .insertInto('edge_charges')
        .values(
          CHARGES.map(([gw, c]) => ({
            charge_id: `${gw}/${id(c)}`, // old rows: any unique id
            gateway_id: gw,
            account_id: c.accountId,
            meter_id: c.meterId,
            interval_start_ms: BigInt(c.startMs),
            interval_seconds: 900n,
            energy_wh: 412n,
            amount_minor: c.amountMinor,
            currency: 'KES',
            tariff_version_id: 'tv-1',
            price_source: c.priceSource,
          })),
        )
        .execute();
      expect(await migrateSync(store)).toEqual([
        '0006_charge_days',
        '0007_facts_lz4',
        '0008_fact_tables',
      ]);
      await expectReads(store);
      const gone = old.selectFrom('edge_charges').selectAll().execute();
      await expect(gone).rejects.toThrow(/edge_charges/);
    } finally {
      await store.close();
      await done();
    }
  });
});
