import type { Database } from 'better-sqlite3';
import { chargeId } from '@gridbill/shared/tariff';

/**
 * SQL functions the store's views use; every connection that reads `intervals` or `charges`
 * registers them (`openDatabase` does; a raw better-sqlite3 connection calls this).
 * `gridbill_charge_id(meter, start, version)` is the kernel's `chargeId`, as on central.
 *
 * @example
 * registerStoreFunctions(db);
 * db.prepare("SELECT gridbill_charge_id('m1', 0, 'tou-1')").pluck().get()
 * // → chargeId('m1', 0, 'tou-1'), e.g. '5d1c…-…'
 */
export function registerStoreFunctions(db: Database): void {
  db.function(
    'gridbill_charge_id',
    { deterministic: true },
    (meterId: unknown, startMs: unknown, versionId: unknown) =>
      chargeId(String(meterId), Number(startMs), String(versionId)),
  );
}
