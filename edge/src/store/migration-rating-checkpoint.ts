/**
 * Rating checkpoints (issue 6): a `rating_state` row is a checkpoint of the kernel's running
 * state that includes every rated interval of its meter up to `through_ms` (interval start).
 * The gateway rewrites it every few cycles, not every cycle; on start (and after a rolled back
 * cycle) the rated intervals after `through_ms` are replayed through the kernel, so the state
 * in use always matches the committed charges. NULL (rows written before this migration)
 * means the state was current at the last commit.
 */
export const RATING_CHECKPOINT_MIGRATION = `
  ALTER TABLE rating_state ADD COLUMN through_ms INTEGER;`;
