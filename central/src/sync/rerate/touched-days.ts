import { addDays, daysBetween, localParts } from '@gridbill/shared/time';
import { MAX_RANGE_DAYS, type ReconcileRange } from './reconcile-gateway.js';

/** A gateway and an instant whose local day needs reconciling. */
export interface Touch {
  gatewayId: string;
  atMs: number;
}

/**
 * Days before a touched instant also reconciled: a charge entry is effective at the end of its
 * latest interval, and one interval-block entry can carry a catch-up of earlier days.
 */
export const LOOKBACK_DAYS = 7;

/**
 * Ranges to reconcile for touched instants: per gateway, the UTC days touched widened by
 * `LOOKBACK_DAYS` before and one day after (any site zone's local day of the instant is
 * inside), split into ranges of at most `MAX_RANGE_DAYS`.
 * Example: [{ gw-1, 2026-11-27T10:00Z }, { gw-1, 2026-11-27T23:00Z }] →
 *   [{ gatewayId: 'gw-1', fromDay: '2026-11-20', toDay: '2026-11-28' }].
 */
export function touchedRanges(touches: readonly Touch[]): ReconcileRange[] {
  const span = new Map<string, { from: string; to: string }>();
  for (const t of touches) {
    const day = localParts(t.atMs, 'UTC').dateKey;
    const s = span.get(t.gatewayId);
    if (!s) span.set(t.gatewayId, { from: day, to: day });
    else {
      if (day < s.from) s.from = day;
      if (day > s.to) s.to = day;
    }
  }
  const out: ReconcileRange[] = [];
  for (const [gatewayId, s] of [...span].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(...splitRange(gatewayId, addDays(s.from, -LOOKBACK_DAYS), addDays(s.to, 1)));
  }
  return out;
}

/** Example: splitRange('gw', '2026-01-01', '2026-12-31') → 4 ranges of ≤ 92 days. */
export function splitRange(gatewayId: string, fromDay: string, toDay: string): ReconcileRange[] {
  const out: ReconcileRange[] = [];
  for (let from = fromDay; daysBetween(from, toDay) >= 0; from = addDays(from, MAX_RANGE_DAYS)) {
    const end = addDays(from, MAX_RANGE_DAYS - 1);
    out.push({ gatewayId, fromDay: from, toDay: daysBetween(end, toDay) < 0 ? toDay : end });
  }
  return out;
}
