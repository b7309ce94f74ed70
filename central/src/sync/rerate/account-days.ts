import { localParts } from '@gridbill/shared/time';
import type { EdgeCharge } from '../charge-postings.js';
import { classifyDifference, type Reason } from './classify.js';
import type { ReplayCharge } from './replay-meter.js';

/** Central's comparison of one account's edge charges for one local day. */
export interface AccountDay {
  accountId: string;
  day: string;
  currency: string;
  edgeTotalMinor: bigint;
  centralTotalMinor: bigint;
  intervals: number;
  intervalsDiffering: number;
  unrated: number;
  /** differing intervals per reason */
  reasons: Partial<Record<Reason, number>>;
  /** central − edge per reason (minor units), to name the adjustment's main reason */
  reasonAmounts: Partial<Record<Reason, bigint>>;
  /** charge ids of the differing intervals, in interval order */
  differingChargeIds: string[];
}

/** One edge charge with central's re-rated result for the same interval. */
export interface ComparedCharge {
  edge: EdgeCharge;
  /** null = central did not rate it (a second charge for the same start) */
  central: ReplayCharge | null;
  clockSuspect: boolean;
}

/**
 * Sums compared charges per local day of `timeZone` (only charges whose day is in `days`).
 * An interval no central version covers counts as unrated and keeps the edge amount.
 * Example: two intervals of 2026-11-27 (EAT), edge 8 + 6, central 8 + 7 (tv-2) →
 *   [{ day: '2026-11-27', edgeTotalMinor: 14n, centralTotalMinor: 15n, intervalsDiffering: 1,
 *      reasons: { 'late-tariff-version': 1 }, … }].
 */
export function sumAccountDays(
  accountId: string,
  compared: readonly ComparedCharge[],
  timeZone: string,
  days: ReadonlySet<string>,
): AccountDay[] {
  const byDay = new Map<string, AccountDay>();
  for (const c of compared) {
    const day = localParts(c.edge.intervalStartMs, timeZone).dateKey;
    if (!days.has(day)) continue;
    let d = byDay.get(day);
    if (!d) {
      d = emptyDay(accountId, day, c.edge.currency);
      byDay.set(day, d);
    }
    addCharge(d, c);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

function emptyDay(accountId: string, day: string, currency: string): AccountDay {
  return {
    accountId,
    day,
    currency,
    edgeTotalMinor: 0n,
    centralTotalMinor: 0n,
    intervals: 0,
    intervalsDiffering: 0,
    unrated: 0,
    reasons: {},
    reasonAmounts: {},
    differingChargeIds: [],
  };
}

function addCharge(d: AccountDay, c: ComparedCharge): void {
  const unrated = c.central !== null && c.central.versionId === null;
  const centralMinor = unrated ? c.edge.amountMinor : (c.central?.amountMinor ?? 0n);
  d.intervals += 1;
  if (unrated) d.unrated += 1;
  d.edgeTotalMinor += c.edge.amountMinor;
  d.centralTotalMinor += centralMinor;
  if (centralMinor === c.edge.amountMinor) return;
  const reason = classifyDifference(c.edge, {
    centralVersionId: c.central?.versionId ?? null,
    clockSuspect: c.clockSuspect || c.central === null,
  });
  d.intervalsDiffering += 1;
  d.reasons[reason] = (d.reasons[reason] ?? 0) + 1;
  d.reasonAmounts[reason] = (d.reasonAmounts[reason] ?? 0n) + centralMinor - c.edge.amountMinor;
  d.differingChargeIds.push(c.edge.chargeId);
}

/**
 * The reason with the largest absolute amount (ties: the earlier in the reason list).
 * Example: { other: 1n, 'fallback-price': -40n } → 'fallback-price'.
 */
export function mainReason(amounts: Partial<Record<Reason, bigint>>): Reason {
  let best: Reason = 'other';
  let bestAbs = -1n;
  for (const reason of ['fallback-price', 'late-tariff-version', 'clock', 'other'] as const) {
    const v = amounts[reason];
    if (v === undefined) continue;
    const abs = v < 0n ? -v : v;
    if (abs > bestAbs) {
      best = reason;
      bestAbs = abs;
    }
  }
  return best;
}
