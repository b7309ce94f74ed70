import type { EdgeCharge } from '../charge-postings.js';

/** Why central's amount for an interval differs from the edge's. */
export const REASONS = ['fallback-price', 'late-tariff-version', 'clock', 'other'] as const;
export type Reason = (typeof REASONS)[number];

/** What central knows about one edge-rated interval besides the edge's charge. */
export interface IntervalFacts {
  /** Central's version for the interval start (null = none in force). */
  centralVersionId: string | null;
  /** The interval row carries the clock-untrusted flag, or the edge rated this start twice. */
  clockSuspect: boolean;
}

/**
 * Reason for a differing interval, from its determinants, first match wins: the edge priced
 * it at the fallback dynamic price → 'fallback-price'; central rates it with another version
 * → 'late-tariff-version'; bad timing (start off the interval grid, clock-untrusted flag, a
 * second charge for the same start) → 'clock'; otherwise 'other'.
 * Example: ({ priceSource: 'tariff', tariffVersionId: 'tv-1', … },
 *   { centralVersionId: 'tv-2', clockSuspect: false }) → 'late-tariff-version'.
 */
export function classifyDifference(edge: EdgeCharge, facts: IntervalFacts): Reason {
  if (edge.priceSource === 'fallback') return 'fallback-price';
  if (facts.centralVersionId !== null && facts.centralVersionId !== edge.tariffVersionId) {
    return 'late-tariff-version';
  }
  const offGrid = edge.intervalStartMs % (edge.intervalSeconds * 1000) !== 0;
  if (facts.clockSuspect || offGrid) return 'clock';
  return 'other';
}
