import { contentId } from '@gridbill/shared/ids';
import type { MergeReport } from './interval-rows.js';
import { raiseAlarm } from './stream-repo.js';
import type { SyncTrx } from './sync-schema.js';

const DAY_MS = 86_400_000;

/** What a merge left unstored, gathered per meter and UTC day. */
interface Unmerged {
  kind: 'interval-conflict' | 'interval-length-mismatch';
  meterId: string;
  dayStartMs: number;
  count: number;
  first: string;
}

/**
 * Raises a sync alarm for what an interval merge did not store, so staff see it instead of it
 * vanishing: two different actual values for one slot (the stored one is kept) and intervals
 * whose length differs from their stored day's. One alarm per kind, meter and UTC day of a
 * batch; its id comes from them, the first such interval and the count, so a replay raises
 * nothing new.
 *
 * @example
 * // m1 on 2026-11-27: stored 412 Wh at 00:00, incoming 500 Wh
 * alarmUnmerged(trx, 'gw-1', report, nowMs)
 * // → alarm interval-conflict 'meter m1, 2026-11-27: 1 interval(s) with another actual value
 * //   (first 2026-11-27T00:00:00.000Z: stored 412 Wh, incoming 500 Wh); the stored values kept'
 */
export async function alarmUnmerged(
  trx: SyncTrx,
  gatewayId: string,
  report: MergeReport,
  nowMs: number,
): Promise<void> {
  const groups = new Map<string, Unmerged>();
  const note = (kind: Unmerged['kind'], meterId: string, startMs: number, first: string) => {
    const dayStartMs = Math.floor(startMs / DAY_MS) * DAY_MS;
    const key = `${kind}\n${meterId}\n${dayStartMs}`;
    const g = groups.get(key);
    if (g) g.count += 1;
    else groups.set(key, { kind, meterId, dayStartMs, count: 1, first });
  };
  for (const c of report.conflicts) {
    const at = new Date(c.intervalStartMs).toISOString();
    note(
      'interval-conflict',
      c.meterId,
      c.intervalStartMs,
      `${at}: stored ${c.storedWh} Wh, ` + `incoming ${c.incomingWh} Wh`,
    );
  }
  for (const m of report.mismatched) {
    const at = new Date(m.intervalStartMs).toISOString();
    note('interval-length-mismatch', m.meterId, m.intervalStartMs, `${at}: ${m.intervalSeconds} s`);
  }
  for (const g of groups.values()) {
    const detail = describe(g);
    const id = contentId('sync-alarm', gatewayId, g.kind, g.meterId, g.first, g.count);
    await raiseAlarm(trx, { id, gatewayId, kind: g.kind, detail, atMs: nowMs });
  }
}

function describe(g: Unmerged): string {
  const day = new Date(g.dayStartMs).toISOString().slice(0, 10);
  if (g.kind === 'interval-conflict')
    return (
      `meter ${g.meterId}, ${day}: ${g.count} interval(s) with another actual value ` +
      `(first ${g.first}); the stored values kept`
    );
  return (
    `meter ${g.meterId}, ${day}: ${g.count} interval(s) of another length than the ` +
    `stored day's (first ${g.first}); not stored`
  );
}
