import type { CompiledEnergy, CompiledVersion } from './compile.js';
import type { BillLine } from './bill-line.js';
import type { ScopeBucket, SegmentState } from './period-state.js';
import type { Rational } from './rational.js';
import { add, mul, rat, ZERO } from './rational.js';
import { kwhText, wholeWhKwhText } from './quantity-format.js';

/** Wh per [period * tierCount + tier] for one bucket, proportional bands shared by periods. */
function bucketWh(e: CompiledEnergy, b: ScopeBucket): Rational[] {
  const T = e.tierCount;
  const out: Rational[] = b.cells.map(() => ZERO);
  const periods = b.cells.length / T;
  let total = 0;
  for (let p = 0; p < periods; p++) total += b.cells[p * T]!;
  if (total === 0) return out;
  for (let k = 0; k < T; k++) {
    const lower = k === 0 ? 0 : b.limitsWh[k - 1]!;
    const upper = k < b.limitsWh.length ? b.limitsWh[k]! : Number.POSITIVE_INFINITY;
    const band = Math.min(b.accBeforeWh + total, upper) - Math.max(b.accBeforeWh, lower);
    if (band <= 0) continue;
    for (let p = 0; p < periods; p++) {
      out[p * T + k] = rat(BigInt(band) * BigInt(b.cells[p * T]!), BigInt(total));
    }
  }
  return out;
}

/** Wh per cell over all buckets of a component with proportionally shared tiers. */
function cellEnergy(e: CompiledEnergy, buckets: readonly ScopeBucket[]): Rational[] {
  const whs: Rational[] = e.prices.map(() => ZERO);
  for (const b of buckets) {
    bucketWh(e, b).forEach((w, k) => {
      whs[k] = add(whs[k]!, w);
    });
  }
  return whs;
}

/** Per cell of a component: its line description and its price as a rational. */
interface CellText {
  description: string[];
  price: Rational[];
}

const cellTexts = new WeakMap<CompiledEnergy, CellText>();

/** Descriptions ("Energy, peak, tier 2") and prices of a component's cells, built once. */
function cellTextOf(v: CompiledVersion, e: CompiledEnergy): CellText {
  let hit = cellTexts.get(e);
  if (hit) return hit;
  const T = e.tierCount;
  hit = { description: [], price: [] };
  for (let k = 0; k < e.prices.length; k++) {
    const period = v.periods[Math.floor(k / T)]!;
    const tier = (k % T) + 1;
    const parts = [e.description, v.periods.length > 1 ? period : '', T > 1 ? `tier ${tier}` : ''];
    hit.description.push(parts.filter(Boolean).join(', '));
    hit.price.push(rat(BigInt(e.prices[k]!)));
  }
  cellTexts.set(e, hit);
  return hit;
}

/** Σ Wh per cell over all buckets as safe integers (chronological tiers and untiered). */
function cellSums(e: CompiledEnergy, buckets: readonly ScopeBucket[]): number[] {
  const sums = e.prices.map(() => 0);
  for (const b of buckets) {
    for (let k = 0; k < sums.length; k++) sums[k]! += b.cells[k]!;
  }
  return sums;
}

/** `wh × price` in 1e-9 currency, exact: in a number while the product is a safe integer. */
function whTimesPrice(wh: number, price: number): Rational {
  const product = wh * price;
  return Number.isSafeInteger(product) ? rat(BigInt(product)) : rat(BigInt(wh) * BigInt(price));
}

/** Lines of one energy component in one segment: one per period × tier with energy. */
export function energyLines(v: CompiledVersion, e: CompiledEnergy, seg: SegmentState, i: number) {
  if (e.tiers?.allocation === 'proportional') return rationalLines(v, e, seg, i);
  // whole Wh per cell: numbers (exact below 2^53), bigint only for the amount
  const sums = cellSums(e, seg.energy[i]!.buckets);
  const T = e.tierCount;
  const text = cellTextOf(v, e);
  const lines: BillLine[] = [];
  for (let k = 0; k < sums.length; k++) {
    const wh = sums[k]!;
    const p = Math.floor(k / T);
    if (wh === 0 || !e.charged[p]) continue;
    const amounts = { whText: String(wh), precise: whTimesPrice(wh, e.prices[k]!) };
    lines.push(energyLine(v, e, seg, k, text, wholeWhKwhText(wh), amounts));
  }
  return lines;
}

/** One energy line for cell `k` (period × tier) of a component. */
function energyLine(
  v: CompiledVersion,
  e: CompiledEnergy,
  seg: SegmentState,
  k: number,
  text: ReturnType<typeof cellTextOf>,
  quantity: string,
  amounts: { whText: string; precise: BillLine['precise'] },
): BillLine {
  const T = e.tierCount;
  const line: BillLine = {
    kind: 'energy',
    componentId: e.id,
    description: text.description[k]!,
    quantity,
    unit: 'kWh',
    rate: e.priceText[k]!,
    amountMinor: 0n,
    precise: amounts.precise,
    determinants: {
      versionId: v.versionId,
      fromMs: seg.fromMs,
      toMs: seg.toMs,
      period: v.periods[Math.floor(k / T)]!,
      tier: (k % T) + 1,
      wh: amounts.whText,
    },
  };
  if (seg.estimatedWh > 0) line.determinants.estimatedWh = seg.estimatedWh;
  return line;
}

/** Lines of a component with proportionally shared tiers (cell Wh may be fractions). */
function rationalLines(v: CompiledVersion, e: CompiledEnergy, seg: SegmentState, i: number) {
  const T = e.tierCount;
  const whs = cellEnergy(e, seg.energy[i]!.buckets);
  const text = cellTextOf(v, e);
  const lines: BillLine[] = [];
  for (let k = 0; k < whs.length; k++) {
    const wh = whs[k]!;
    const p = Math.floor(k / T);
    if (wh.n === 0n || !e.charged[p]) continue;
    const whText = wh.d === 1n ? wh.n.toString() : `${wh.n}/${wh.d}`;
    const amounts = { whText, precise: mul(wh, text.price[k]!) };
    lines.push(energyLine(v, e, seg, k, text, kwhText(wh), amounts));
  }
  return lines;
}
