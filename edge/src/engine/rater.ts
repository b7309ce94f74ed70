/** One interval to rate (UTC ms, integer Wh). */
export interface RateInput {
  startMs: number;
  endMs: number;
  energyWh: number;
}

export interface RateResult {
  amountMinor: bigint;
  /** Serialisable running state of the incremental driver (tiers, period totals). */
  state: unknown;
  priceSource: 'tariff' | 'fallback';
}

/**
 * The seam to the shared tariff kernel's incremental driver. The version is chosen by the
 * interval's start time; the state is kept per (account, version) and persisted per cycle.
 */
export interface IntervalRater {
  versionFor(tariffId: string, startMs: number): string | undefined;
  rate(versionId: string, state: unknown, input: RateInput): RateResult;
}
