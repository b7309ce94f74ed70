import type {
  Schedule,
  Season,
  TariffComponentInput as TariffComponent,
  TariffVersion,
  TimeWindow,
} from './schema.js';
import { jsonNumberText } from './number-text.js';
import { parseTariffVersion } from './parse-tariff.js';
import { TariffError } from './tariff-error.js';

/** The URDB fields we read (OpenEI utility_rates v7/v8). */
export interface UrdbRate {
  label?: string;
  name?: string;
  utility?: string;
  startdate?: number;
  enddate?: number;
  energyratestructure?: { rate?: number; adj?: number; max?: number; unit?: string }[][];
  energyweekdayschedule?: number[][];
  energyweekendschedule?: number[][];
  demandratestructure?: { rate?: number; adj?: number; max?: number }[][];
  demandweekdayschedule?: number[][];
  demandweekendschedule?: number[][];
  flatdemandstructure?: { rate?: number; adj?: number; max?: number }[][];
  flatdemandmonths?: number[];
  demandwindow?: number;
  fixedchargefirstmeter?: number;
  fixedchargeunits?: string;
  mincharge?: number;
  minchargeunits?: string;
}

export interface UrdbImportOptions {
  timeZone: string;
  tariffId?: string;
  versionId?: string;
  effectiveFrom?: string;
  currency?: string;
}

/** URDB's "no upper limit" sentinel is 1e38; anything this large is unbounded. */
const UNBOUNDED = 1e30;

/** Whether a parsed JSON value looks like a URDB rate rather than a native tariff. */
export function isUrdbRate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return 'energyratestructure' in o || 'demandratestructure' in o || 'fixedchargefirstmeter' in o;
}

function text(n: number | undefined, adj: number | undefined, where: string): string {
  const rate = jsonNumberText(n ?? 0, where);
  if (!adj) return rate;
  const a = jsonNumberText(adj, `${where}.adj`);
  // exact decimal addition on text, via integers at 9 places
  const scaled = (t: string) => {
    const [w, f = ''] = t.replace('-', '').split('.');
    const v = BigInt((w ?? '0') + f.padEnd(9, '0').slice(0, 9));
    return t.startsWith('-') ? -v : v;
  };
  const total = scaled(rate) + scaled(a);
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(10, '0');
  const body = `${digits.slice(0, -9)}.${digits.slice(-9)}`.replace(/0+$/, '').replace(/\.$/, '');
  return neg ? `-${body}` : body;
}

function grid(g: number[][] | undefined, where: string): number[][] {
  if (g?.length !== 12 || g.some((r) => !Array.isArray(r) || r.length !== 24)) {
    throw new TariffError(where, 'expected a 12 × 24 matrix (month × hour)');
  }
  return g;
}

function hourWindows(row: readonly number[], prefix: string): TimeWindow[] {
  const out: TimeWindow[] = [];
  let start = 0;
  for (let h = 1; h <= 24; h++) {
    if (h === 24 || row[h] !== row[start]) {
      const hh = (x: number) => `${String(x).padStart(2, '0')}:00`;
      out.push({
        from: hh(start),
        to: h === 24 ? '24:00' : hh(h),
        period: `${prefix}${(row[start] ?? 0) + 1}`,
      });
      start = h;
    }
  }
  return out;
}

/**
 * 12 month-seasons from URDB weekday/weekend grids; periods named `${prefix}1..n`
 * (SAM's 1-based numbering).
 */
function monthSchedule(wd: number[][], we: number[][], prefix: string): Schedule {
  const seasons: Season[] = wd.map((row, m) => ({
    id: `month-${m + 1}`,
    months: [m + 1],
    weekday: hourWindows(row, prefix),
    weekend: hourWindows(we[m] ?? row, prefix),
  }));
  return { defaultPeriod: `${prefix}${(wd[0]?.[0] ?? 0) + 1}`, seasons };
}

type EnergyTier = NonNullable<UrdbRate['energyratestructure']>[number][number];

function tierSignature(tiers: readonly EnergyTier[], where: string): string {
  return tiers
    .slice(0, -1)
    .map((t, i) => {
      if (t.max === undefined || t.max >= UNBOUNDED) {
        throw new TariffError(`${where}.${i}.max`, 'only the last tier may be unbounded');
      }
      return `${jsonNumberText(t.max, `${where}.${i}.max`)}|${t.unit ?? 'kWh'}`;
    })
    .join(',');
}

function unitOf(unit: string | undefined, where: string): 'kWh' | 'kWh-daily' {
  if (unit === undefined || unit === 'kWh') return 'kWh';
  if (unit === 'kWh daily') return 'kWh-daily';
  throw new TariffError(where, `tier unit "${unit}" is not supported (kWh, kWh daily)`);
}

/** Energy components: periods sharing one tier structure become one component (SAM semantics). */
function energyComponents(r: UrdbRate, wd: number[][], we: number[][]): TariffComponent[] {
  const structure = r.energyratestructure ?? [];
  const groups = new Map<string, number[]>();
  structure.forEach((tiers, p) => {
    const key = tierSignature(tiers, `energyratestructure.${p}`);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  });
  for (let m = 0; m < 12; m++) {
    const used = new Set([...(wd[m] ?? []), ...(we[m] ?? [])]);
    const keys = new Set([...used].map((p) => [...groups].find(([, ps]) => ps.includes(p))?.[0]));
    const tiered = [...keys].filter((k) => k !== '');
    if (tiered.length > 1) {
      throw new TariffError(
        `energyratestructure (month ${m + 1})`,
        'tier limits differ between periods used in the same month (SAM requires equal limits)',
      );
    }
  }
  return [...groups].map(([key, ps], g) => {
    const id = groups.size === 1 ? 'energy' : `energy-${g + 1}`;
    const first = structure[ps[0]!]!;
    const rateOf = (p: number, k: number) => {
      const t = structure[p]![Math.min(k, structure[p]!.length - 1)]!;
      return text(t.rate, t.adj, `energyratestructure.${p}.${k}.rate`);
    };
    const rates = Object.fromEntries(ps.map((p) => [`p${p + 1}`, rateOf(p, 0)]));
    if (key === '') return { kind: 'energy', id, description: 'Energy', rates };
    return {
      kind: 'energy',
      id,
      description: 'Energy',
      rates,
      tiers: {
        scope: 'month',
        limitsKwh: first.slice(0, -1).map((t, k) => jsonNumberText(t.max ?? 0, `tier ${k}`)),
        limitUnit: unitOf(first[0]?.unit, `energyratestructure.${ps[0]}.0.unit`),
        proration: 'none',
        allocation: 'proportional',
        tierRates: first.map((_, k) =>
          Object.fromEntries(ps.map((p) => [`p${p + 1}`, rateOf(p, k)])),
        ),
      },
    } satisfies TariffComponent;
  });
}

function demandTiers(tiers: NonNullable<UrdbRate['demandratestructure']>[number], where: string) {
  return tiers.map((t, k) => ({
    rate: text(t.rate, t.adj, `${where}.${k}.rate`),
    ...(t.max !== undefined && t.max < UNBOUNDED && k < tiers.length - 1
      ? { upToKw: jsonNumberText(t.max, `${where}.${k}.max`) }
      : {}),
  }));
}

function perUnit(units: string | undefined, where: string): 'day' | 'month' {
  if (units === undefined || units === '$/month') return 'month';
  if (units === '$/day') return 'day';
  throw new TariffError(where, `unit "${units}" is not supported ($/month, $/day)`);
}

/**
 * Converts an OpenEI URDB rate into a native tariff version with NREL SAM `utilityrate5`
 * semantics: 0-based URDB periods become p1..pn, tier limits are shared by the periods of a
 * month and allocated proportionally, "kWh daily" limits scale by days in the month.
 */
export function importUrdb(r: UrdbRate, options: UrdbImportOptions): TariffVersion {
  const wd = grid(r.energyweekdayschedule, 'energyweekdayschedule');
  const we = grid(r.energyweekendschedule, 'energyweekendschedule');
  const periods = (r.energyratestructure ?? []).map((_, p) => `p${p + 1}`);
  const schedules: Record<string, Schedule> = { default: monthSchedule(wd, we, 'p') };
  const components: TariffComponent[] = [];
  if (r.fixedchargefirstmeter) {
    const per = perUnit(r.fixedchargeunits, 'fixedchargeunits');
    const amount = jsonNumberText(r.fixedchargefirstmeter, 'fixedchargefirstmeter');
    components.push({ kind: 'fixed', id: 'fixed', description: 'Fixed charge', amount, per });
  }
  components.push(...energyComponents(r, wd, we));
  if (r.demandratestructure) {
    const dwd = grid(r.demandweekdayschedule, 'demandweekdayschedule');
    const dwe = grid(r.demandweekendschedule, 'demandweekendschedule');
    r.demandratestructure.forEach((_, p) => {
      periods.push(`d${p + 1}`);
    });
    schedules.demand = monthSchedule(dwd, dwe, 'd');
    const rates = Object.fromEntries(
      r.demandratestructure.map((t, p) => [
        `d${p + 1}`,
        demandTiers(t, `demandratestructure.${p}`),
      ]),
    );
    const windowMinutes = r.demandwindow === 30 || r.demandwindow === 60 ? r.demandwindow : 15;
    components.push({
      kind: 'demand',
      id: 'demand',
      description: 'TOU demand',
      schedule: 'demand',
      windowMinutes,
      rates,
    });
  }
  if (r.flatdemandstructure) {
    const months = r.flatdemandmonths ?? new Array<number>(12).fill(0);
    r.flatdemandstructure.forEach((_, p) => {
      periods.push(`f${p + 1}`);
    });
    const flatGrid = months.map((p) => new Array<number>(24).fill(p));
    schedules['flat-demand'] = monthSchedule(flatGrid, flatGrid, 'f');
    const rates = Object.fromEntries(
      r.flatdemandstructure.map((t, p) => [
        `f${p + 1}`,
        demandTiers(t, `flatdemandstructure.${p}`),
      ]),
    );
    components.push({
      kind: 'demand',
      id: 'flat-demand',
      description: 'Flat demand',
      schedule: 'flat-demand',
      windowMinutes: 15,
      rates,
    });
  }
  if (r.mincharge) {
    const per = perUnit(r.minchargeunits, 'minchargeunits');
    const amount = jsonNumberText(r.mincharge, 'mincharge');
    components.push({ kind: 'minimum', id: 'minimum', description: 'Minimum charge', amount, per });
  }
  const effectiveFrom =
    options.effectiveFrom ??
    (r.startdate !== undefined ? new Date(r.startdate * 1000).toISOString() : '2000-01-01');
  return parseTariffVersion({
    format: 'gridbill-tariff/v1',
    tariffId: options.tariffId ?? r.label ?? 'urdb',
    versionId: options.versionId ?? r.label ?? 'urdb-1',
    name: r.name,
    effectiveFrom,
    timeZone: options.timeZone,
    currency: options.currency ?? 'USD',
    rounding: 'half-up',
    periods,
    schedules,
    components,
    source: `OpenEI URDB${r.label ? ` ${r.label}` : ''}`,
  });
}
