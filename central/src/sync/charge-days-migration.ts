import type { Kysely, Migration } from 'kysely';
import { createTable } from '../store/create-table.js';
import { type ChargeInput, storeChargesOnce } from './charge-days.js';

/**
 * Sync migration `0006_charge_days`: edge charges packed per gateway × meter × account × UTC
 * day (`edge_charge_days`, key (gateway, day, meter, account), index (gateway, account, day)
 * for the re-rating reader). The rows of an existing `edge_charges` are copied (once per
 * meter × start × tariff version, as their charge ids were), then `edge_charges` and its
 * index are dropped.
 * Example: edge_charges with 96 rows of m1/a1 on one day → one edge_charge_days row holding
 *   96 charges; readEdgeCharges returns the same rows and charge ids as before.
 */
export function chargeDaysTable(binary: string): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const packed = 'bytes' as const;
      const day = { gateway_id: T, day_start_ms: B, meter_id: T, account_id: T, packed };
      await createTable(db, 'edge_charge_days', day, {
        primaryKey: ['gateway_id', 'day_start_ms', 'meter_id', 'account_id'],
        binary,
      });
      await db.schema
        .createIndex('edge_charge_days_gw_account_day')
        .on('edge_charge_days')
        .columns(['gateway_id', 'account_id', 'day_start_ms'])
        .execute();
      await copyCharges(db);
      await db.schema.dropTable('edge_charges').execute();
    },
  };
}

interface OldCharge {
  gateway_id: string;
  account_id: string;
  meter_id: string;
  interval_start_ms: bigint | string | number;
  interval_seconds: bigint | string | number;
  energy_wh: bigint | string | number;
  amount_minor: bigint | string | number;
  currency: string;
  tariff_version_id: string;
  price_source: string;
}

/** Copies `edge_charges` one gateway × account at a time (bounded memory). */
async function copyCharges(db: Kysely<unknown>): Promise<void> {
  const old = db as unknown as Kysely<{ edge_charges: OldCharge }>;
  const pairs = await old
    .selectFrom('edge_charges')
    .select(['gateway_id', 'account_id'])
    .distinct()
    .orderBy('gateway_id')
    .orderBy('account_id')
    .execute();
  for (const p of pairs) {
    const rows = await old
      .selectFrom('edge_charges')
      .selectAll()
      .where('gateway_id', '=', p.gateway_id)
      .where('account_id', '=', p.account_id)
      .orderBy('interval_start_ms')
      .orderBy('charge_id' as never)
      .execute();
    await storeChargesOnce(db, p.gateway_id, rows.map(toInput));
  }
}

function toInput(r: OldCharge): ChargeInput {
  if (r.price_source !== 'tariff' && r.price_source !== 'fallback') {
    throw new Error(`edge_charges: unknown price source '${r.price_source}'`);
  }
  return {
    meterId: r.meter_id,
    accountId: r.account_id,
    startMs: Number(r.interval_start_ms),
    seconds: Number(r.interval_seconds),
    energyWh: Number(r.energy_wh),
    amountMinor: BigInt(r.amount_minor),
    tariffVersionId: r.tariff_version_id,
    currency: r.currency,
    priceSource: r.price_source,
  };
}
