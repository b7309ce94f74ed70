import type { CompiledVersion } from '@gridbill/shared/tariff';
import type { EdgeCharge } from '../charge-postings.js';
import type { ComparedCharge } from './account-days.js';
import type { StoredCheckpoint } from './checkpoint-store.js';
import { replayWithCheckpoints } from './replay-meter.js';

/** Key of an interval in `clockSuspects`: `${meterId}|${intervalStartMs}`. */
export const intervalKey = (meterId: string, startMs: number) => `${meterId}|${startMs}`;

export interface AccountComparison {
  compared: ComparedCharge[];
  /** new month checkpoints per meter, with the charges seen before each */
  checkpoints: Map<string, StoredCheckpoint[]>;
}

/**
 * Pairs every edge charge of one account with central's re-rated charge: per meter, the
 * intervals in time order (a second charge for the same start is not rated again: central 0)
 * replayed from the meter's checkpoint in `starts` (its charges before the checkpoint month
 * are skipped) or else from its first charge.
 * Example: charges m1@0 (8n) and m1@900000 (6n), central versions equal to the edge's →
 *   compared [{ edge: m1@0, central: { amountMinor: 8n, … } }, { edge: m1@900000, … 6n }].
 */
export function compareAccount(
  charges: readonly EdgeCharge[],
  versions: readonly CompiledVersion[],
  clockSuspects: ReadonlySet<string>,
  starts: ReadonlyMap<string, StoredCheckpoint> = new Map(),
): AccountComparison {
  const byMeter = new Map<string, EdgeCharge[]>();
  for (const c of charges) {
    const from = starts.get(c.meterId)?.monthStartMs ?? Number.NEGATIVE_INFINITY;
    if (c.intervalStartMs < from) continue;
    const list = byMeter.get(c.meterId);
    if (list) list.push(c);
    else byMeter.set(c.meterId, [c]);
  }
  const result: AccountComparison = { compared: [], checkpoints: new Map() };
  for (const [meterId, list] of byMeter) {
    list.sort((a, b) => a.intervalStartMs - b.intervalStartMs || cmp(a.chargeId, b.chargeId));
    const firsts = list.filter(
      (c, i) => i === 0 || c.intervalStartMs !== list[i - 1]!.intervalStartMs,
    );
    const seconds = firsts[0]?.intervalSeconds ?? 900;
    const intervals = firsts.map((c) => ({ startMs: c.intervalStartMs, energyWh: c.energyWh }));
    const start = starts.get(meterId);
    const replay = replayWithCheckpoints(versions, meterId, seconds, intervals, start);
    const byStart = new Map(firsts.map((c, i) => [c, replay.charges[i]!]));
    for (const edge of list) {
      const suspect = clockSuspects.has(intervalKey(meterId, edge.intervalStartMs));
      result.compared.push({ edge, central: byStart.get(edge) ?? null, clockSuspect: suspect });
    }
    result.checkpoints.set(meterId, withTotals(replay.checkpoints, list, start));
  }
  return result;
}

/** Adds to each checkpoint the count and Σ Wh of the meter's charges before its month. */
function withTotals(
  checkpoints: readonly Omit<StoredCheckpoint, 'chargesBefore' | 'energyBeforeWh'>[],
  sorted: readonly EdgeCharge[],
  start: StoredCheckpoint | undefined,
): StoredCheckpoint[] {
  let i = 0;
  let count = start?.chargesBefore ?? 0;
  let energyWh = start?.energyBeforeWh ?? 0;
  return checkpoints.map((cp) => {
    while (i < sorted.length && sorted[i]!.intervalStartMs < cp.monthStartMs) {
      count += 1;
      energyWh += sorted[i]!.energyWh;
      i += 1;
    }
    return { ...cp, chargesBefore: count, energyBeforeWh: energyWh };
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
