import { currencyExponent } from '../money/index.js';
import type { TariffComponent, TariffVersion } from './schema.js';
import { tariffVersionSchema } from './schema.js';
import { TariffError } from './tariff-error.js';

/**
 * Validates a native tariff version (already JSON-parsed) and checks cross references.
 * `parseTariffVersion({ format: 'gridbill-tariff/v1', ..., periods: [] })` throws
 * `TariffError('periods: Too small: expected array to have >=1 items')`.
 */
export function parseTariffVersion(input: unknown, where = ''): TariffVersion {
  const result = tariffVersionSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [where, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
    throw new TariffError(path, issue?.message ?? 'invalid tariff');
  }
  const version = result.data;
  checkReferences(version, where);
  return version;
}

function checkReferences(v: TariffVersion, where: string): void {
  const at = (p: string) => [where, p].filter(Boolean).join('.');
  try {
    currencyExponent(v.currency);
  } catch (err) {
    throw new TariffError(at('currency'), (err as Error).message);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v.timeZone });
  } catch {
    throw new TariffError(at('timeZone'), `unknown IANA time zone "${v.timeZone}"`);
  }
  const periods = new Set(v.periods);
  for (const [name, schedule] of Object.entries(v.schedules)) {
    const p = at(`schedules.${name}`);
    if (!periods.has(schedule.defaultPeriod)) {
      throw new TariffError(`${p}.defaultPeriod`, `unknown period "${schedule.defaultPeriod}"`);
    }
    schedule.seasons.forEach((s, i) => {
      const all = [s.weekday, s.saturday, s.sunday, s.weekend, s.holiday].flatMap((w) => w ?? []);
      for (const w of all) {
        if (!periods.has(w.period)) {
          throw new TariffError(`${p}.seasons.${i}`, `unknown period "${w.period}"`);
        }
      }
    });
  }
  const ids = new Set<string>();
  v.components.forEach((c, i) => {
    if (ids.has(c.id)) throw new TariffError(at(`components.${i}.id`), `duplicate id "${c.id}"`);
    ids.add(c.id);
    checkComponent(c, v, at(`components.${i}`), ids);
  });
}

function checkComponent(c: TariffComponent, v: TariffVersion, p: string, ids: Set<string>): void {
  const periods = new Set(v.periods);
  const scheduleOk = (name: string | undefined) => {
    if (name !== undefined && !(name in v.schedules)) {
      throw new TariffError(`${p}.schedule`, `unknown schedule "${name}"`);
    }
  };
  const ratesOk = (rates: Record<string, unknown>, path: string) => {
    for (const key of Object.keys(rates)) {
      if (key !== '*' && !periods.has(key)) {
        throw new TariffError(`${path}.${key}`, `unknown period "${key}" (use "*" for all)`);
      }
    }
  };
  if (c.kind === 'energy') {
    scheduleOk(c.schedule);
    ratesOk(c.rates, `${p}.rates`);
    const t = c.tiers;
    if (t) {
      const tierCount = t.limitsKwh.length + 1;
      if (!t.tierRates === !t.adders) {
        throw new TariffError(`${p}.tiers`, 'give exactly one of "tierRates" or "adders"');
      }
      const list = t.tierRates ?? t.adders ?? [];
      if (list.length !== tierCount) {
        const why = `${list.length} entries for ${tierCount} tiers (limits + 1)`;
        throw new TariffError(`${p}.tiers.${t.tierRates ? 'tierRates' : 'adders'}`, why);
      }
      t.tierRates?.forEach((r, i) => {
        ratesOk(r, `${p}.tiers.tierRates.${i}`);
      });
    }
  }
  if (c.kind === 'demand') {
    scheduleOk(c.schedule);
    ratesOk(c.rates, `${p}.rates`);
  }
  if ((c.kind === 'minimum' || c.kind === 'tax') && c.appliesTo) {
    for (const ref of c.appliesTo) {
      if (!ids.has(ref))
        throw new TariffError(`${p}.appliesTo`, `"${ref}" is not an earlier component`);
    }
  }
  if (c.kind === 'discount') checkDiscount(c, p);
}

function checkDiscount(c: Extract<TariffComponent, { kind: 'discount' }>, p: string): void {
  const need: Record<string, (keyof typeof c)[]> = {
    'percent-of-energy': ['percent'],
    'percent-of-total': ['percent'],
    'per-kwh': ['ratePerKwh'],
    'free-kwh': ['kwhPerMonth', 'ratePerKwh'],
    fixed: ['amount', 'per'],
  };
  for (const field of need[c.type] ?? []) {
    if (c[field] === undefined)
      throw new TariffError(`${p}.${field}`, `required for type "${c.type}"`);
  }
}
