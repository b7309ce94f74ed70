/**
 * Balance checkpoints (issue 6, store migration 8): a transaction's changed balances go into
 * its cycle record (the `balances` column: accounts, balances after), and a `balances` row
 * becomes a checkpoint,
 * the balance through cycle record `through_seq`; it is rewritten on the account's first
 * change and then every `BALANCE_CHECKPOINT_CYCLES` transactions (staggered), instead of on
 * every change. Rows written before hold the balance after every record stored so far.
 */
export const BALANCE_CHECKPOINTS_MIGRATION = `
  ALTER TABLE cycle_records ADD COLUMN balances TEXT;
  ALTER TABLE balances ADD COLUMN through_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE balances SET through_seq = (SELECT coalesce(max(seq), 0) FROM cycle_records);`;
