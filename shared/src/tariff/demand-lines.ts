import type { BillLine } from './bill-line.js';
import type { CompiledDemand, CompiledVersion, DemandTier } from './compile.js';
import type { SegmentState } from './period-state.js';
import { formatQuantity } from './quantity-format.js';
import type { Rational } from './rational.js';
import { cmp, max, min, mul, rat, sub, ZERO } from './rational.js';

/** Average W of the peak window: Wh × 3600 / window seconds (exact). */
function peakW(maxWh: number, seconds: number): Rational {
  return rat(BigInt(maxWh) * 3600n, BigInt(seconds));
}

function tierLines(
  v: CompiledVersion,
  d: CompiledDemand,
  seg: SegmentState,
  tiers: readonly DemandTier[],
  watts: Rational,
  period: string | undefined,
): BillLine[] {
  const lines: BillLine[] = [];
  let lower: Rational = ZERO;
  tiers.forEach((t, k) => {
    const upper = t.upToW === Number.POSITIVE_INFINITY ? watts : rat(BigInt(t.upToW));
    const band = sub(min(watts, upper), lower);
    lower = max(lower, upper);
    if (cmp(band, ZERO) <= 0) return;
    const where = [d.description, period ?? '', tiers.length > 1 ? `tier ${k + 1}` : ''];
    lines.push({
      kind: 'demand',
      componentId: d.id,
      description: where.filter(Boolean).join(', '),
      quantity: formatQuantity({ n: band.n, d: band.d * 1000n }, 3),
      unit: 'kW',
      rate: t.rateText,
      amountMinor: 0n,
      precise: mul(band, rat(BigInt(t.rate))),
      determinants: {
        versionId: v.versionId,
        fromMs: seg.fromMs,
        toMs: seg.toMs,
        ...(period ? { period } : {}),
        tier: k + 1,
      },
    });
  });
  return lines;
}

/** Demand lines: per TOU period (and "*" over all periods), tiered by kW. */
export function demandLines(
  v: CompiledVersion,
  d: CompiledDemand,
  seg: SegmentState,
  i: number,
  intervalSeconds: number,
): BillLine[] {
  const s = seg.demand[i]!;
  const seconds = Math.max(d.windowSeconds, intervalSeconds);
  const lines: BillLine[] = [];
  if (d.flat) lines.push(...tierLines(v, d, seg, d.flat, peakW(s.maxAllWh, seconds), undefined));
  d.byPeriod.forEach((tiers, p) => {
    if (!tiers) return;
    const watts = peakW(s.maxWh[p]!, seconds);
    lines.push(...tierLines(v, d, seg, tiers, watts, v.periods[p]));
  });
  return lines;
}
