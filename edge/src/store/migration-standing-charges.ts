/**
 * Standing charges drawn on prepaid balances (issue 6): one row per account × local day ×
 * tariff version × fixed component, keyed by the balance change's deterministic entry id, so
 * a day is drawn once whatever happens between the draw and its commit. `day` is the site's
 * local date (YYYY-MM-DD); the latest day per account is where the next draw resumes.
 */
export const STANDING_CHARGES_MIGRATION = `
  CREATE TABLE standing_charges (
    entry_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    day TEXT NOT NULL,
    tariff_version TEXT NOT NULL,
    component_id TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    drawn_at_ms INTEGER NOT NULL) STRICT;
  CREATE INDEX standing_charges_account_day ON standing_charges (account_id, day);`;
