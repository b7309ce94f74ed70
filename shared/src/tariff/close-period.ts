import type { BillLine, PeriodResult } from './bill-line.js';
import type { CompiledVersion } from './compile.js';
import type { AccountAttribute } from './day-count.js';
import { countDays } from './day-count.js';
import { demandLines } from './demand-lines.js';
import { dynamicLines } from './dynamic-lines.js';
import { energyLines } from './energy-lines.js';
import { localDateKey } from './local-day.js';
import { flushDemand } from './accumulate.js';
import type { SegmentContext } from './charge-lines.js';
import { discountLine, fixedLine, minimumLine, taxLine } from './charge-lines.js';
import type { Accumulators, PeriodState, SegmentState } from './period-state.js';
import { rat, roundTo, sum } from './rational.js';
import type { Rational } from './rational.js';
import { TariffError } from './tariff-error.js';

function baseLines(ctx: SegmentContext, intervalSeconds: number): BillLine[] {
  const { v, seg } = ctx;
  const lines: BillLine[] = [];
  let e = 0;
  let dy = 0;
  let dm = 0;
  for (const c of v.source.components) {
    if (c.kind === 'fixed') {
      const l = fixedLine(ctx, c);
      if (l) lines.push(l);
    } else if (c.kind === 'energy') lines.push(...energyLines(v, v.energy[e]!, seg, e++));
    else if (c.kind === 'dynamic') lines.push(...dynamicLines(v, v.dynamic[dy]!, seg, dy++));
    else if (c.kind === 'demand') {
      lines.push(...demandLines(v, v.demand[dm]!, seg, dm++, intervalSeconds));
    }
  }
  // the lines above are fresh objects: set the rounded amount in place (same keys, same order)
  for (const l of lines) {
    if (l.kind !== 'fixed') l.amountMinor = roundTo(l.precise, 9, v.exponent, v.rounding);
  }
  return lines;
}

function segmentLines(ctx: SegmentContext, intervalSeconds: number): BillLine[] {
  const lines = baseLines(ctx, intervalSeconds);
  for (const c of ctx.v.source.components) {
    let l: BillLine | undefined;
    if (c.kind === 'minimum') l = minimumLine(ctx, c, lines);
    else if (c.kind === 'discount') l = discountLine(ctx, c, lines);
    else if (c.kind === 'tax') l = taxLine(ctx, c, lines);
    if (l) lines.push(l);
  }
  return lines;
}

function roundingLine(v: CompiledVersion, lines: BillLine[], state: PeriodState): BillLine[] {
  const precise: Rational = sum(lines.map((l) => l.precise));
  const total = roundTo(precise, 9, v.exponent, v.rounding);
  const shown = lines.reduce((a, l) => a + l.amountMinor, 0n);
  if (total === shown) return [];
  const diff = total - shown;
  return [
    {
      kind: 'rounding',
      componentId: 'rounding',
      description: 'Rounding: the bill total is rounded once from unrounded lines',
      quantity: '1',
      unit: 'bill',
      rate: '',
      amountMinor: diff,
      precise: rat(diff * 10n ** BigInt(9 - v.exponent)),
      determinants: { versionId: v.versionId, fromMs: state.fromMs, toMs: state.toMs },
    },
  ];
}

function versionOf(versions: readonly CompiledVersion[], seg: SegmentState) {
  const v = versions.find((x) => x.versionId === seg.versionId);
  if (!v) throw new TariffError('versions', `version "${seg.versionId}" is not loaded`);
  return v;
}

/**
 * Turns the determinants of a bill period into explained lines. Both drivers end here, so equal
 * determinants give identical lines. Returns the accumulators to carry into the next period.
 */
export function closePeriod(
  state: PeriodState,
  versions: readonly CompiledVersion[],
  attributes: readonly AccountAttribute[] = [],
): { result: PeriodResult; carry: Accumulators } {
  const first = versionOf(versions, state.segments[0]!);
  const billCount = countDays(first, state.fromMs, state.toMs);
  const billDays = billCount.days;
  const billKeys = {
    fromKey: localDateKey(first.timeZone, state.fromMs),
    toKey: localDateKey(first.timeZone, state.toMs),
  };
  const lines: BillLine[] = [];
  for (const [index, seg] of state.segments.entries()) {
    flushDemand(seg);
    const v = versionOf(versions, seg);
    const count = countDays(v, seg.fromMs, seg.toMs);
    const fromKey = localDateKey(v.timeZone, seg.fromMs);
    const toKey = localDateKey(v.timeZone, seg.toMs);
    const isFirst = index === 0;
    const isLast = index === state.segments.length - 1;
    const bill = { count: billCount, ...billKeys, first: isFirst, last: isLast };
    const ctx = { v, seg, count, billDays, fromKey, toKey, bill, attributes };
    lines.push(...segmentLines(ctx, state.intervalSeconds));
  }
  const last = versionOf(versions, state.segments[state.segments.length - 1]!);
  if (last.roundingLevel === 'bill') lines.push(...roundingLine(last, lines, state));
  const totalMinor = lines.reduce((a, l) => a + l.amountMinor, 0n);
  const result: PeriodResult = {
    fromMs: state.fromMs,
    toMs: state.toMs,
    currency: first.currency,
    exponent: first.exponent,
    lines,
    totalMinor,
  };
  const carry: Accumulators = {};
  for (const [id, acc] of Object.entries(state.accumulators))
    carry[id] = { key: acc.key, wh: acc.wh };
  return { result, carry };
}
