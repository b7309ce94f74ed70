import { formatDecimal, PRICE_SCALE, parseDecimal } from '../money/index.js';
import type { BillLine, LineKind } from './bill-line.js';
import type { CompiledVersion } from './compile.js';
import type { AccountAttribute, DayCount } from './day-count.js';
import { countDays, hasAttribute } from './day-count.js';
import { fixed30MonthFraction } from './month-fraction.js';
import type { SegmentState } from './period-state.js';
import { formatQuantity, kwhText } from './quantity-format.js';
import type { Rational } from './rational.js';
import { cmp, min, mul, neg, rat, roundTo, sum, ZERO } from './rational.js';
import type {
  DiscountComponent,
  FixedComponent,
  MinimumComponent,
  TaxComponent,
} from './schema.js';

/** Context of one segment for the non-energy lines. */
export interface SegmentContext {
  v: CompiledVersion;
  seg: SegmentState;
  count: DayCount;
  billDays: Rational;
  /** local dates of the segment bounds (`toKey` exclusive) */
  fromKey: string;
  toKey: string;
  /** the whole bill period, for components that do not split by version */
  bill: { count: DayCount; fromKey: string; toKey: string; first: boolean; last: boolean };
  attributes: readonly AccountAttribute[];
}

const micro = (text: string) => parseDecimal(text, PRICE_SCALE);
/** 1e-6 → 1e-9 units. */
const nano = (microValue: bigint) => rat(microValue * 1000n);
/** "34.8" percent → 0.348 as a fraction. */
const fraction = (percent: string) => rat(micro(percent), 100_000_000n);

function basis(ctx: SegmentContext, per: 'day' | 'month' | 'bill') {
  if (per === 'day') return { qty: ctx.count.days, unit: 'day' };
  if (per === 'month') return { qty: ctx.count.months, unit: 'month' };
  return { qty: mul(ctx.count.days, { n: ctx.billDays.d, d: ctx.billDays.n }), unit: 'bill' };
}

function line(
  ctx: SegmentContext,
  kind: LineKind,
  c: { id: string; description: string },
  quantity: string,
  unit: string,
  rate: string,
  precise: Rational,
): BillLine {
  const { v, seg } = ctx;
  return {
    kind,
    componentId: c.id,
    description: c.description,
    quantity,
    unit,
    rate,
    amountMinor: roundTo(precise, 9, v.exponent, v.rounding),
    precise,
    determinants: { versionId: v.versionId, fromMs: seg.fromMs, toMs: seg.toMs },
  };
}

/** Standing charge: `{ amount: '0.6012', per: 'day' }` over 30 days → 30 × 0.6012. */
export function fixedLine(segment: SegmentContext, c: FixedComponent): BillLine | undefined {
  const { bill } = segment;
  if ((c.versionRule === 'start' && !bill.first) || (c.versionRule === 'end' && !bill.last)) {
    return undefined;
  }
  const ctx =
    c.versionRule === 'split-days'
      ? segment
      : { ...segment, count: bill.count, fromKey: bill.fromKey, toKey: bill.toKey };
  const { qty, unit } =
    c.per === 'month' && c.monthBasis === 'fixed-30'
      ? { qty: fixed30MonthFraction(ctx.fromKey, ctx.toKey), unit: 'month (30-day)' }
      : basis(ctx, c.per);
  return line(
    ctx,
    'fixed',
    c,
    formatQuantity(qty, 4),
    unit,
    c.amount,
    mul(qty, nano(micro(c.amount))),
  );
}

/**
 * Minimum charge: tops the applicable lines up to the minimum. The minimum is rounded once and
 * the top-up is the rounded minimum less the rounded lines, so the bill shows exactly the minimum.
 */
export function minimumLine(ctx: SegmentContext, c: MinimumComponent, prior: readonly BillLine[]) {
  const { qty, unit } = basis(ctx, c.per);
  const minimum = mul(qty, nano(micro(c.amount)));
  const minimumMinor = roundTo(minimum, 9, ctx.v.exponent, ctx.v.rounding);
  const applicable = prior.filter((l) =>
    c.appliesTo ? c.appliesTo.includes(l.componentId) : true,
  );
  const charged = applicable.reduce((a, l) => a + l.amountMinor, 0n);
  if (charged >= minimumMinor) return undefined;
  const topUp = minimumMinor - charged;
  const precise = rat(topUp * 10n ** BigInt(9 - ctx.v.exponent));
  const shown = formatDecimal(minimumMinor, ctx.v.exponent);
  const described = { ...c, description: `${c.description}: top-up to the minimum ${shown}` };
  return line(ctx, 'minimum', described, formatQuantity(qty, 4), unit, c.amount, precise);
}

function eligibleShare(ctx: SegmentContext, name: string | undefined): Rational {
  if (!name) return rat(1n);
  const { v, seg } = ctx;
  const eligible = countDays(v, seg.fromMs, seg.toMs, (k) => hasAttribute(ctx.attributes, name, k));
  if (eligible.days.n === 0n) return ZERO;
  return mul(eligible.days, { n: ctx.count.days.d, d: ctx.count.days.n });
}

/** Discount programmes, applied on unrounded amounts and scaled by eligible days / days. */
export function discountLine(
  ctx: SegmentContext,
  c: DiscountComponent,
  prior: readonly BillLine[],
) {
  const share = eligibleShare(ctx, c.eligibility);
  if (share.n === 0n) return undefined;
  const energyKinds = new Set(['energy', 'dynamic']);
  const sumOf = (ls: readonly BillLine[]) => sum(ls.map((l) => l.precise));
  const wh = rat(BigInt(ctx.seg.wh));
  let amount: Rational;
  let quantity: string;
  let unit: string;
  let rate: string;
  if (c.type === 'percent-of-energy' || c.type === 'percent-of-total') {
    const base = sumOf(
      c.type === 'percent-of-energy' ? prior.filter((l) => energyKinds.has(l.kind)) : prior,
    );
    amount = mul(base, fraction(c.percent ?? '0'));
    quantity = formatQuantity(rat(base.n, base.d * 1_000_000_000n), 9);
    unit = 'amount';
    rate = `${c.percent}%`;
  } else if (c.type === 'per-kwh' || c.type === 'free-kwh') {
    const allowanceWh = mul(ctx.count.months, rat(parseDecimal(c.kwhPerMonth ?? '0', 3)));
    const energyWh = c.type === 'per-kwh' ? mul(wh, share) : min(mul(allowanceWh, share), wh);
    if (energyWh.n === 0n) return undefined;
    const credit = neg(mul(energyWh, rat(micro(c.ratePerKwh ?? '0'))));
    return line(ctx, 'discount', c, kwhText(energyWh), 'kWh', c.ratePerKwh ?? '0', credit);
  } else {
    const { qty, unit: u } = basis(ctx, c.per ?? 'bill');
    amount = mul(qty, nano(micro(c.amount ?? '0')));
    quantity = formatQuantity(qty, 4);
    unit = u;
    rate = c.amount ?? '0';
  }
  if (cmp(amount, ZERO) === 0) return undefined;
  return line(ctx, 'discount', c, quantity, unit, rate, neg(mul(amount, share)));
}

/** Tax on the unrounded sum of the applicable lines (all earlier lines by default). */
export function taxLine(ctx: SegmentContext, c: TaxComponent, prior: readonly BillLine[]) {
  const applicable = prior.filter((l) =>
    c.appliesTo ? c.appliesTo.includes(l.componentId) : true,
  );
  const base = sum(applicable.map((l) => l.precise));
  const quantity = formatQuantity(rat(base.n, base.d * 1_000_000_000n), 9);
  return line(ctx, 'tax', c, quantity, 'amount', `${c.percent}%`, mul(base, fraction(c.percent)));
}
