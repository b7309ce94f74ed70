import { formatDecimal } from '../../src/money/index.js';
import type { UsageSeries } from '../../src/tariff/index.js';
import { compileTariff, parseTariffVersion, rateBatch } from '../../src/tariff/index.js';
import { localMidnightUtcMs } from '../../src/time/index.js';
import { monthPeriods } from './helpers.js';

/** One documented example: a partial tariff, a bill range and usage. */
export interface DocExample {
  timeZone?: string;
  currency?: string;
  from: string;
  to: string;
  period?: 'month' | 'whole';
  tariff?: Record<string, unknown>;
  versions?: Record<string, unknown>[];
  usage: { step: number; kwh: string } | { step: number; rows: [string, string][] };
  attributes?: { name: string; from?: string; to?: string }[];
}

const whOf = (kwh: string) => {
  const [w, f = ''] = kwh.split('.');
  return Number.parseInt(w ?? '0', 10) * 1000 + Number.parseInt(f.padEnd(3, '0').slice(0, 3), 10);
};

function usageOf(x: DocExample, tz: string): UsageSeries {
  const step = x.usage.step * 1000;
  if ('rows' in x.usage) {
    return {
      startMs: x.usage.rows.map(([t]) => Date.parse(t)),
      wh: x.usage.rows.map(([, k]) => whOf(k)),
      intervalSeconds: x.usage.step,
    };
  }
  const from = localMidnightUtcMs(x.from, tz);
  const to = localMidnightUtcMs(x.to, tz);
  const startMs: number[] = [];
  for (let t = from; t < to; t += step) startMs.push(t);
  const wh = whOf(x.usage.kwh);
  return { startMs, wh: startMs.map(() => wh), intervalSeconds: x.usage.step };
}

/** Rates an example with the batch driver and prints its lines, one per row. */
export function renderExample(x: DocExample): string {
  const tz = x.timeZone ?? 'Europe/London';
  const base = {
    format: 'gridbill-tariff/v1',
    tariffId: 'example',
    versionId: 'example-1',
    effectiveFrom: '2000-01-01',
    timeZone: tz,
    currency: x.currency ?? 'GBP',
    rounding: 'half-up',
    periods: ['all'],
  };
  const docs = x.versions ?? [x.tariff ?? {}];
  const versions = compileTariff(docs.map((d) => parseTariffVersion({ ...base, ...d })));
  const periods =
    x.period === 'whole'
      ? [{ fromMs: localMidnightUtcMs(x.from, tz), toMs: localMidnightUtcMs(x.to, tz) }]
      : monthPeriods(tz, x.from, monthsBetween(x.from, x.to));
  const result = rateBatch({
    versions,
    usage: usageOf(x, tz),
    periods,
    attributes: x.attributes ?? [],
  });
  const out: string[] = [];
  for (const p of result.periods) {
    const money = (v: bigint) => formatDecimal(v, p.exponent);
    for (const l of p.lines) {
      const where = [l.determinants.versionId, l.determinants.period, l.determinants.tier]
        .filter((v) => v !== undefined)
        .join('/');
      const qty = `${l.quantity} ${l.unit}`;
      out.push(
        `${l.kind} | ${l.description} | ${qty} × ${l.rate} | ${money(l.amountMinor)} | ${where}`,
      );
    }
    out.push(`total ${p.currency} ${money(p.totalMinor)}`);
  }
  return out.join('\n');
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) + (td > 1 ? 1 : 0);
}

/** Example blocks of a markdown file: ```json example NAME … ``` then ```text NAME … ```. */
export function exampleBlocks(markdown: string) {
  const blocks: { name: string; input: string; output: string | undefined }[] = [];
  const re = /```(json|text) example ([\w-]+)\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const [, lang, name, body] = m;
    if (lang === 'json') blocks.push({ name: name!, input: body!, output: undefined });
    else {
      const b = blocks.find((x) => x.name === name);
      if (b) b.output = body!.trimEnd();
    }
  }
  return blocks;
}
