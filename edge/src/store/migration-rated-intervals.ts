/**
 * Rated intervals (issue 6): an interval row carries its charge (id, account, tariff version,
 * amount), so a poll cycle writes one row per interval instead of an interval and a charge.
 * The primary key (start_ms, meter_id) keeps "rated exactly once": one row, at most one
 * charge, and the charge id is a function of that key and the version in force. Charges
 * written before this migration stay in `charges_v1`; the `charges` view shows both, with
 * the old table's columns, so readers are unchanged.
 */
export const RATED_INTERVALS_MIGRATION = `
  ALTER TABLE intervals ADD COLUMN charge_id TEXT;
  ALTER TABLE intervals ADD COLUMN account_id TEXT;
  ALTER TABLE intervals ADD COLUMN tariff_version TEXT;
  ALTER TABLE intervals ADD COLUMN amount_minor TEXT;
  ALTER TABLE charges RENAME TO charges_v1;
  CREATE VIEW charges AS
    SELECT start_ms AS interval_start_ms, meter_id, tariff_version, charge_id AS id,
      account_id, energy_wh, amount_minor
    FROM intervals WHERE charge_id IS NOT NULL
    UNION ALL
    SELECT interval_start_ms, meter_id, tariff_version, id, account_id, energy_wh, amount_minor
    FROM charges_v1;`;
