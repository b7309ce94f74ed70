import { divRound, formatDecimal } from '../money/index.js';
import type { BillLine } from './bill-line.js';
import type { CompiledDynamic, CompiledVersion } from './compile.js';
import type { SegmentState } from './period-state.js';
import { kwhText } from './quantity-format.js';
import { rat } from './rational.js';

/** Published-price energy (average rate shown) and, separately, energy at the fallback price. */
export function dynamicLines(v: CompiledVersion, d: CompiledDynamic, seg: SegmentState, i: number) {
  const s = seg.dynamic[i]!;
  const base = { versionId: v.versionId, fromMs: seg.fromMs, toMs: seg.toMs };
  const lines: BillLine[] = [];
  if (s.pricedWh > 0) {
    const amount = BigInt(s.amountHi) + BigInt(s.amountLo);
    const average = divRound(amount, BigInt(s.pricedWh), 'half-up');
    lines.push({
      kind: 'dynamic',
      componentId: d.id,
      description: `${d.description}, published prices (average rate)`,
      quantity: kwhText(rat(BigInt(s.pricedWh))),
      unit: 'kWh',
      rate: formatDecimal(average, 6),
      amountMinor: 0n,
      precise: rat(amount),
      determinants: { ...base, wh: String(s.pricedWh), fallbackUsed: false },
    });
  }
  if (s.fallbackWh > 0) {
    lines.push({
      kind: 'dynamic',
      componentId: d.id,
      description: `${d.description}, fallback price (${s.fallbackIntervals} intervals unpriced)`,
      quantity: kwhText(rat(BigInt(s.fallbackWh))),
      unit: 'kWh',
      rate: d.fallbackText,
      amountMinor: 0n,
      precise: rat(BigInt(s.fallbackWh) * BigInt(d.fallback)),
      determinants: {
        ...base,
        wh: String(s.fallbackWh),
        fallbackUsed: true,
        fallbackIntervals: s.fallbackIntervals,
      },
    });
  }
  return lines;
}
