import type { RoundingRule } from '../money/index.js';
import { currencyExponent, PRICE_SCALE, parseDecimal } from '../money/index.js';
import type { HolidayCalendar } from '../time/index.js';
import { localMidnightUtcMs } from '../time/index.js';
import type { CompiledSchedule } from './schedule-compile.js';
import { compileSchedule, flatSchedule } from './schedule-compile.js';
import { safeNumber } from './safe-number.js';
import type {
  DemandComponent,
  DynamicComponent,
  EnergyComponent,
  TariffComponent,
  TariffVersion,
  Tiers,
} from './schema.js';
import { TariffError } from './tariff-error.js';

export interface CompiledTiers {
  readonly scope: Tiers['scope'];
  readonly yearStartMonth: number;
  readonly yearStartDay: number;
  /** upper bounds in Wh (per day when `daily`), one fewer than tiers */
  readonly limitsWh: readonly number[];
  readonly daily: boolean;
  readonly proration: Tiers['proration'];
  readonly allocation: Tiers['allocation'];
}

export interface CompiledEnergy {
  readonly id: string;
  readonly description: string;
  readonly schedule: number;
  readonly tierCount: number;
  /** price in 1e-6 currency per kWh at `[period * tierCount + tier]` */
  readonly prices: readonly number[];
  readonly priceText: readonly string[];
  readonly charged: readonly boolean[];
  /** 1 where the period has a rate in this component; other periods' energy is not counted */
  readonly chargedMask: Uint8Array;
  readonly tiers: CompiledTiers | undefined;
}

export interface CompiledDynamic {
  readonly id: string;
  readonly description: string;
  readonly stepMs: number;
  readonly anchorMs: number;
  /** slot start (UTC ms) → price in 1e-6 currency per kWh */
  readonly prices: ReadonlyMap<number, number>;
  readonly fallback: number;
  readonly fallbackText: string;
}

export interface DemandTier {
  readonly upToW: number;
  readonly rate: number;
  readonly rateText: string;
}

export interface CompiledDemand {
  readonly id: string;
  readonly description: string;
  readonly schedule: number;
  readonly windowSeconds: number;
  /** tiers per period index; undefined where the period carries no demand charge */
  readonly byPeriod: readonly (readonly DemandTier[] | undefined)[];
  /** tiers for "*": the maximum over all periods */
  readonly flat: readonly DemandTier[] | undefined;
}

/** A tariff version ready for rating: prices as integers, schedules as minute tables. */
export interface CompiledVersion {
  readonly source: TariffVersion;
  readonly tariffId: string;
  readonly versionId: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly timeZone: string;
  readonly currency: string;
  readonly exponent: number;
  readonly rounding: RoundingRule;
  readonly roundingLevel: 'line' | 'bill';
  readonly periods: readonly string[];
  readonly schedules: readonly CompiledSchedule[];
  readonly holidays: HolidayCalendar | undefined;
  readonly energy: readonly CompiledEnergy[];
  readonly dynamic: readonly CompiledDynamic[];
  readonly demand: readonly CompiledDemand[];
  readonly others: readonly TariffComponent[];
}

const price = (text: string, what: string) =>
  safeNumber(parseDecimal(text, PRICE_SCALE, what), what);
const wattHours = (kwh: string, what: string) => safeNumber(parseDecimal(kwh, 3, what), what);

/** "2024-10-01" → local midnight in `timeZone`; an ISO instant with offset → its epoch ms. */
export function instantOf(text: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return localMidnightUtcMs(text, timeZone);
  return Date.parse(text);
}

function scheduleIndex(v: TariffVersion): Map<string, number> {
  const names = ['default', ...Object.keys(v.schedules).filter((n) => n !== 'default')];
  return new Map(names.map((n, i) => [n, i] as const));
}

function compileEnergy(c: EnergyComponent, v: TariffVersion, sched: Map<string, number>) {
  const t = c.tiers;
  const tierCount = t ? t.limitsKwh.length + 1 : 1;
  const prices: number[] = [];
  const priceText: string[] = [];
  const charged: boolean[] = [];
  v.periods.forEach((p) => {
    const baseText = c.rates[p] ?? c.rates['*'];
    charged.push(
      baseText !== undefined ||
        (t?.tierRates?.some((r) => (r[p] ?? r['*']) !== undefined) ?? false),
    );
    for (let k = 0; k < tierCount; k++) {
      const what = `${c.id} rate for ${p} tier ${k + 1}`;
      const tierText = t?.tierRates?.[k]?.[p] ?? t?.tierRates?.[k]?.['*'];
      const adder = t?.adders?.[k];
      let value = price(tierText ?? baseText ?? '0', what);
      if (adder !== undefined) value += price(adder, `${c.id} adder tier ${k + 1}`);
      prices.push(value);
      priceText.push(formatMicro(value));
    }
  });
  const limits = t?.limitsKwh.map((l, i) => wattHours(l, `${c.id} tier limit ${i + 1}`)) ?? [];
  for (let i = 1; i < limits.length; i++) {
    if ((limits[i] ?? 0) <= (limits[i - 1] ?? 0)) {
      throw new TariffError(`${c.id}.tiers.limitsKwh`, 'limits must increase');
    }
  }
  const [ysm, ysd] = (t?.yearStart ?? '01-01').split('-').map((x) => Number.parseInt(x, 10));
  const tiers: CompiledTiers | undefined = t && {
    scope: t.scope,
    yearStartMonth: ysm ?? 1,
    yearStartDay: ysd ?? 1,
    limitsWh: limits,
    daily: t.limitUnit === 'kWh-daily',
    proration: t.proration,
    allocation: t.allocation,
  };
  const schedule = sched.get(c.schedule ?? 'default') ?? 0;
  const chargedMask = Uint8Array.from(charged, (x) => (x ? 1 : 0));
  return {
    id: c.id,
    description: c.description,
    schedule,
    tierCount,
    prices,
    priceText,
    charged,
    chargedMask,
    tiers,
  };
}

/** 123456n micro → "0.123456". */
export function formatMicro(value: number): string {
  const neg = value < 0;
  const digits = String(Math.abs(value)).padStart(PRICE_SCALE + 1, '0');
  const cut = digits.length - PRICE_SCALE;
  const text = `${digits.slice(0, cut)}.${digits.slice(cut)}`.replace(/0+$/, '').replace(/\.$/, '');
  return neg ? `-${text}` : text;
}

function compileDynamic(c: DynamicComponent, tz: string): CompiledDynamic {
  const stepMs = c.stepSeconds * 1000;
  const prices = new Map<number, number>();
  let anchorMs = Number.NaN;
  c.series.forEach((s, si) => {
    const start = instantOf(s.start, tz);
    if (Number.isNaN(anchorMs)) anchorMs = start;
    if ((((start - anchorMs) % stepMs) + stepMs) % stepMs !== 0) {
      throw new TariffError(`${c.id}.series.${si}.start`, 'not aligned to the first series step');
    }
    s.prices.forEach((p, i) => {
      prices.set(start + i * stepMs, price(p, `${c.id} price ${si}.${i}`));
    });
  });
  const fallback = price(c.fallbackRate, `${c.id} fallbackRate`);
  return {
    id: c.id,
    description: c.description,
    stepMs,
    anchorMs: Number.isNaN(anchorMs) ? 0 : anchorMs,
    prices,
    fallback,
    fallbackText: formatMicro(fallback),
  };
}

function demandTiers(list: DemandComponent['rates'][string], id: string): DemandTier[] {
  return list.map((t, i) => {
    const rate = price(t.rate, `${id} demand rate tier ${i + 1}`);
    const upToW = t.upToKw === undefined ? Number.POSITIVE_INFINITY : wattHours(t.upToKw, id);
    return { upToW, rate, rateText: formatMicro(rate) };
  });
}

function compileDemand(c: DemandComponent, v: TariffVersion, sched: Map<string, number>) {
  const byPeriod = v.periods.map((p) => (c.rates[p] ? demandTiers(c.rates[p], c.id) : undefined));
  const flat = c.rates['*'] ? demandTiers(c.rates['*'], c.id) : undefined;
  const schedule = sched.get(c.schedule ?? 'default') ?? 0;
  return {
    id: c.id,
    description: c.description,
    schedule,
    windowSeconds: c.windowMinutes * 60,
    byPeriod,
    flat,
  };
}

/** Compiles one validated version (see `parseTariffVersion`). */
export function compileVersion(v: TariffVersion): CompiledVersion {
  const sched = scheduleIndex(v);
  const schedules = [...sched.keys()].map((name) => {
    const s = v.schedules[name];
    return s ? compileSchedule(s, v.periods) : flatSchedule(0);
  });
  const fromMs = instantOf(v.effectiveFrom, v.timeZone);
  const toMs = v.effectiveTo ? instantOf(v.effectiveTo, v.timeZone) : Number.POSITIVE_INFINITY;
  if (!(toMs > fromMs)) throw new TariffError('effectiveTo', 'must be after effectiveFrom');
  const of = <K extends TariffComponent['kind']>(k: K) =>
    v.components.filter((c): c is Extract<TariffComponent, { kind: K }> => c.kind === k);
  return {
    source: v,
    tariffId: v.tariffId,
    versionId: v.versionId,
    fromMs,
    toMs,
    timeZone: v.timeZone,
    currency: v.currency,
    exponent: currencyExponent(v.currency),
    rounding: v.rounding,
    roundingLevel: v.roundingLevel,
    periods: v.periods,
    schedules,
    holidays: v.holidays,
    energy: of('energy').map((c) => compileEnergy(c, v, sched)),
    dynamic: of('dynamic').map((c) => compileDynamic(c, v.timeZone)),
    demand: of('demand').map((c) => compileDemand(c, v, sched)),
    others: v.components.filter((c) => !['energy', 'dynamic', 'demand'].includes(c.kind)),
  };
}

/** Compiles the versions of one tariff, sorted, checking they do not overlap. */
export function compileTariff(versions: readonly TariffVersion[]): CompiledVersion[] {
  const compiled = versions.map(compileVersion).sort((a, b) => a.fromMs - b.fromMs);
  for (let i = 1; i < compiled.length; i++) {
    const prev = compiled[i - 1]!;
    const cur = compiled[i]!;
    if (prev.toMs > cur.fromMs) {
      if (prev.toMs !== Number.POSITIVE_INFINITY) {
        throw new TariffError(`versions.${cur.versionId}`, `overlaps ${prev.versionId}`);
      }
      compiled[i - 1] = { ...prev, toMs: cur.fromMs };
    }
    if (cur.timeZone !== prev.timeZone || cur.currency !== prev.currency) {
      throw new TariffError(`versions.${cur.versionId}`, 'time zone and currency must match');
    }
  }
  return compiled;
}
