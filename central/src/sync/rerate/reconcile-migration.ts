import type { Migration } from 'kysely';
import { createTable } from '../../store/create-table.js';

/**
 * Re-rating tables (sync migration `0004_reconcile`): the stored report per gateway × account
 * × local day, one row per adjustment entry posted by re-rating, the trigger cursor, and an
 * index for the edge charge reader (gateway, account, interval start).
 */
export function reconcileTables(): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const day = {
        gateway_id: T,
        account_id: T,
        day: T,
        currency: T,
        edge_total_minor: B,
        central_total_minor: B,
        adjustments_minor: B,
        intervals: B,
        intervals_differing: B,
        unrated: B,
        reasons: T,
        revision: B,
        updated_at_ms: B,
      };
      await createTable(db, 'reconcile_days', day, {
        primaryKey: ['gateway_id', 'account_id', 'day'],
      });
      await db.schema
        .createIndex('reconcile_days_gw_day')
        .on('reconcile_days')
        .columns(['gateway_id', 'day'])
        .execute();
      const adj = {
        entry_id: T,
        gateway_id: T,
        account_id: T,
        day: T,
        revision: B,
        amount_minor: B,
        reason: T,
        created_at_ms: B,
      };
      await createTable(db, 'reconcile_adjustments', adj, { primaryKey: ['entry_id'] });
      await db.schema
        .createIndex('reconcile_adjustments_day')
        .on('reconcile_adjustments')
        .columns(['account_id', 'day', 'revision'])
        .unique()
        .execute();
      // the edge charge reader's queries: one gateway (and account) over a time range
      await db.schema
        .createIndex('edge_charges_gw_account_start')
        .on('edge_charges')
        .columns(['gateway_id', 'account_id', 'interval_start_ms'])
        .execute();
      const cursor = { name: T, ledger_seq: B, tariff_created_ms: B };
      await createTable(db, 'reconcile_cursor', cursor, { primaryKey: ['name'] });
    },
  };
}

/**
 * Sync migration `0005_rerate_checkpoints`: a meter's replay state at the start of a local
 * month, valid while central's versions before it and the charges before it are unchanged.
 */
export function checkpointTable(): Migration {
  return {
    up: async (db) => {
      const T = 'text' as const;
      const B = 'bigint' as const;
      const cp = {
        gateway_id: T,
        account_id: T,
        meter_id: T,
        month_start_ms: B,
        versions_key: T,
        charges_before: B,
        energy_before_wh: B,
        carry: T,
        total_nano: T,
        posted_minor: B,
      };
      const key = ['gateway_id', 'account_id', 'meter_id', 'month_start_ms'];
      await createTable(db, 'rerate_checkpoints', cp, { primaryKey: key });
    },
  };
}
