/** One interval to rate (UTC ms, integer Wh). */
export interface RateInput {
  startMs: number;
  endMs: number;
  energyWh: number;
  /** Interval quality bits (estimated, gap, ...), passed to the kernel. */
  qualityBits: number;
}

export interface RateContext {
  meterId: string;
  tariffId: string;
  intervalSeconds: number;
}

export interface RateResult {
  versionId: string;
  amountMinor: bigint;
  priceSource: 'tariff' | 'fallback';
}

/**
 * The seam to the shared tariff kernel's incremental driver. `rate` may change `state` in
 * place (the engine hands it a private copy per transaction) and returns the charge; the
 * version is chosen by the interval's start time.
 */
export interface IntervalRater {
  versionFor(tariffId: string, startMs: number): string | undefined;
  /** A fresh running state for a meter on a tariff. */
  initialState(ctx: RateContext, startMs: number): unknown;
  rate(ctx: RateContext, state: unknown, input: RateInput): RateResult;
}
