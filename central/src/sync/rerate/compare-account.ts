import type { CompiledVersion } from '@gridbill/shared/tariff';
import type { EdgeCharge } from '../charge-postings.js';
import type { ComparedCharge } from './account-days.js';
import { replayMeter } from './replay-meter.js';

/** Key of an interval in `clockSuspects`: `${meterId}|${intervalStartMs}`. */
export const intervalKey = (meterId: string, startMs: number) => `${meterId}|${startMs}`;

/**
 * Pairs every edge charge of one account with central's re-rated charge: per meter, the
 * intervals in time order (a second charge for the same start is not rated again: central 0)
 * replayed from the meter's first charge through `replayMeter`.
 * Example: charges m1@0 (8n) and m1@900000 (6n), central versions equal to the edge's →
 *   [{ edge: m1@0, central: { amountMinor: 8n, … } }, { edge: m1@900000, central: … 6n }].
 */
export function compareAccount(
  charges: readonly EdgeCharge[],
  versions: readonly CompiledVersion[],
  clockSuspects: ReadonlySet<string>,
): ComparedCharge[] {
  const byMeter = new Map<string, EdgeCharge[]>();
  for (const c of charges) {
    const list = byMeter.get(c.meterId);
    if (list) list.push(c);
    else byMeter.set(c.meterId, [c]);
  }
  const out: ComparedCharge[] = [];
  for (const [meterId, list] of byMeter) {
    list.sort((a, b) => a.intervalStartMs - b.intervalStartMs || cmp(a.chargeId, b.chargeId));
    const firsts = list.filter(
      (c, i) => i === 0 || c.intervalStartMs !== list[i - 1]!.intervalStartMs,
    );
    const seconds = firsts[0]?.intervalSeconds ?? 900;
    const intervals = firsts.map((c) => ({ startMs: c.intervalStartMs, energyWh: c.energyWh }));
    const central = replayMeter(versions, meterId, seconds, intervals);
    const byStart = new Map(firsts.map((c, i) => [c, central[i]!]));
    for (const edge of list) {
      const suspect = clockSuspects.has(intervalKey(meterId, edge.intervalStartMs));
      out.push({ edge, central: byStart.get(edge) ?? null, clockSuspect: suspect });
    }
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
