import type { Checkpoint } from './downstream-changes.js';

/**
 * How the edge's stored checkpoint relates to central's current feed head:
 * - 'none': the edge has nothing yet → take a snapshot;
 * - 'epoch-changed': central rebuilt the feed → take a snapshot;
 * - 'behind': pull changes after the local cseq;
 * - 'equal': in sync;
 * - 'ahead': the edge claims changes central never issued (central restored from backup) →
 *   snapshot, and alarm.
 * Example: compareCheckpoint({ feedEpoch: 'e1', cseq: 5 }, { feedEpoch: 'e1', cseq: 9 })
 *   → 'behind'.
 */
export function compareCheckpoint(
  local: Checkpoint | null,
  central: Checkpoint,
): 'none' | 'epoch-changed' | 'behind' | 'equal' | 'ahead' {
  if (local === null) return 'none';
  if (local.feedEpoch !== central.feedEpoch) return 'epoch-changed';
  if (local.cseq < central.cseq) return 'behind';
  return local.cseq === central.cseq ? 'equal' : 'ahead';
}

/**
 * The checkpoint after applying a page, checking the page continues from `local`.
 * Throws if the page belongs to another epoch or starts at or before the local position.
 * Example: advanceCheckpoint({ feedEpoch: 'e1', cseq: 5 }, { checkpoint: { feedEpoch: 'e1',
 *   cseq: 8 }, changes: [{ cseq: 6 }, { cseq: 8 }] }) → { feedEpoch: 'e1', cseq: 8 }.
 */
export function advanceCheckpoint(
  local: Checkpoint,
  page: { checkpoint: Checkpoint; changes: readonly { cseq: number }[] },
): Checkpoint {
  if (page.checkpoint.feedEpoch !== local.feedEpoch) {
    throw new Error(
      `change feed epoch changed from ${local.feedEpoch} to ${page.checkpoint.feedEpoch}: ` +
        'take a snapshot',
    );
  }
  const first = page.changes[0];
  if (first !== undefined && first.cseq <= local.cseq) {
    throw new Error(`change feed page starts at cseq ${first.cseq}, not after local ${local.cseq}`);
  }
  if (page.checkpoint.cseq < local.cseq) {
    throw new Error(`change feed checkpoint ${page.checkpoint.cseq} is behind local ${local.cseq}`);
  }
  return page.checkpoint;
}
