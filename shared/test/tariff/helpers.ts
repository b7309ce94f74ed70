import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { allocate, formatDecimal } from '../../src/money/index.js';
import type {
  BillPeriod,
  CompiledVersion,
  PeriodResult,
  UsageSeries,
} from '../../src/tariff/index.js';
import {
  compileTariff,
  createIncrementalRater,
  rateBatch,
  readTariffDocument,
  roundedDecimal,
  safeNumber,
} from '../../src/tariff/index.js';
import type { AccountAttribute, Accumulators, ServiceDates } from '../../src/tariff/index.js';
import { localMidnightUtcMs, addDays, daysBetween } from '../../src/time/index.js';

export const TARIFFS = fileURLToPath(new URL('../../tariffs/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/tariff/', import.meta.url));

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A shipped tariff (shared/tariffs/NAME), compiled. */
export function shippedTariff(name: string, timeZone?: string): CompiledVersion[] {
  return compileTariff(readTariffDocument(readJson(`${TARIFFS}${name}`), timeZone));
}

/** SAM 8760 load (kW per hour) as whole Wh per hour, starting at `startMs`. */
export function samLoad(file: string, startMs: number): UsageSeries {
  const lines = readFileSync(`${FIXTURES}${file}`, 'utf8').trim().split('\n');
  const wh = lines.map((l, i) => safeNumber(roundedDecimal(l, 3, `${file}:${i + 1}`), file));
  return { startMs: wh.map((_, i) => startMs + i * 3_600_000), wh, intervalSeconds: 3600 };
}

/** Spreads `totalWh` evenly (largest remainder) over intervals of local days [fromKey, toKey). */
export function evenUsage(
  tz: string,
  fromKey: string,
  toKey: string,
  totalWh: number,
  stepSeconds: number,
): { startMs: number[]; wh: number[] } {
  const fromMs = localMidnightUtcMs(fromKey, tz);
  const toMs = localMidnightUtcMs(toKey, tz);
  const n = (toMs - fromMs) / (stepSeconds * 1000);
  const parts = allocate(BigInt(totalWh), new Array(n).fill(1n));
  return {
    startMs: parts.map((_, i) => fromMs + i * stepSeconds * 1000),
    wh: parts.map((p) => safeNumber(p, 'wh')),
  };
}

export function concatUsage(parts: { startMs: number[]; wh: number[] }[], intervalSeconds: number) {
  return {
    startMs: parts.flatMap((p) => p.startMs),
    wh: parts.flatMap((p) => p.wh),
    intervalSeconds,
  };
}

/** Calendar-month bill periods from `fromKey` for `count` months. */
export function monthPeriods(tz: string, fromKey: string, count: number): BillPeriod[] {
  const out: BillPeriod[] = [];
  let key = fromKey;
  for (let i = 0; i < count; i++) {
    const [y, m] = key.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    out.push({ fromMs: localMidnightUtcMs(key, tz), toMs: localMidnightUtcMs(next, tz) });
    key = next;
  }
  return out;
}

export function dayPeriod(tz: string, fromKey: string, toKey: string): BillPeriod {
  return { fromMs: localMidnightUtcMs(fromKey, tz), toMs: localMidnightUtcMs(toKey, tz) };
}

export interface RateOptions {
  carry?: Accumulators;
  service?: ServiceDates;
  attributes?: AccountAttribute[];
}

/** Rates with the incremental driver, interval by interval, through JSON state round trips. */
export function rateIncremental(
  versions: readonly CompiledVersion[],
  usage: UsageSeries,
  periods: readonly BillPeriod[],
  options: RateOptions = {},
): PeriodResult[] {
  const rater = createIncrementalRater({
    versions,
    meterId: 'meter-1',
    intervalSeconds: usage.intervalSeconds,
    service: options.service ?? {},
    attributes: options.attributes ?? [],
  });
  let carry = options.carry ?? {};
  const out: PeriodResult[] = [];
  let i = 0;
  for (const p of periods) {
    let state = rater.open(p.fromMs, p.toMs, carry);
    for (; i < usage.startMs.length && usage.startMs[i]! < p.toMs; i++) {
      if (usage.startMs[i]! < p.fromMs) continue;
      rater.step(state, usage.startMs[i]!, usage.wh[i]!, usage.quality?.[i] ?? 0);
      if (i % 97 === 0) state = JSON.parse(JSON.stringify(state));
    }
    const closed = rater.close(state);
    out.push(closed.result);
    carry = closed.carry;
  }
  return out;
}

/** Rates with both drivers, asserts identical lines, returns the batch result. */
export function rateBoth(
  versions: readonly CompiledVersion[],
  usage: UsageSeries,
  periods: readonly BillPeriod[],
  options: RateOptions = {},
): PeriodResult[] {
  const batch = rateBatch({ versions, usage, periods, ...options }).periods;
  const incremental = rateIncremental(versions, usage, periods, options);
  expect(incremental).toEqual(batch);
  return batch;
}

export const money = (r: PeriodResult) => formatDecimal(r.totalMinor, r.exponent);
export const total = (rs: readonly PeriodResult[]) => {
  const first = rs[0]!;
  return formatDecimal(
    rs.reduce((a, r) => a + r.totalMinor, 0n),
    first.exponent,
  );
};
export { addDays, daysBetween };
