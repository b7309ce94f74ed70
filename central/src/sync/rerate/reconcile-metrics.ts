import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { reconcileDb } from './reconcile-schema.js';

/**
 * Re-rating gauges read from the store on each scrape, labelled by gateway:
 * `gridbill_reconcile_adjustment_entries` (adjustment entries posted by re-rating),
 * `gridbill_reconcile_differing_intervals` (intervals whose central amount differs, over the
 * stored report), `gridbill_reconcile_account_days` (account-days reconciled).
 */
export function registerReconcileMetrics(registry: Registry, db: Kysely<Database>): void {
  const rdb = reconcileDb(db);
  const labelNames = ['gateway'];
  new Gauge({
    name: 'gridbill_reconcile_adjustment_entries',
    help: 'Adjustment entries posted by re-rating',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await rdb
        .selectFrom('reconcile_adjustments')
        .select(['gateway_id', (eb) => eb.fn.countAll<bigint>().as('n')])
        .groupBy('gateway_id')
        .execute();
      for (const r of rows) this.set({ gateway: r.gateway_id }, Number(r.n));
    },
  });
  const fromDays = (name: string, help: string, expr: 'sum' | 'count') =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const value =
          expr === 'sum' ? sql<string>`sum(intervals_differing)` : sql<string>`count(*)`;
        const rows = await rdb
          .selectFrom('reconcile_days')
          .select(['gateway_id', value.as('n')])
          .groupBy('gateway_id')
          .execute();
        for (const r of rows) this.set({ gateway: r.gateway_id }, Number(r.n));
      },
    });
  fromDays('gridbill_reconcile_differing_intervals', 'Intervals re-rated differently', 'sum');
  fromDays('gridbill_reconcile_account_days', 'Account-days reconciled', 'count');
}
