import { readFileSync } from 'node:fs';
import type { TariffVersion, UsageSeries } from '@gridbill/shared/tariff';
import { compileTariff, rateBatch, readTariffDocument, TariffError } from '@gridbill/shared/tariff';
import { localMidnightUtcMs } from '@gridbill/shared/time';
import { billPeriods } from './bill-periods.js';
import { toJson, toTable } from './format-output.js';
import { InputError } from './input-error.js';
import { parseHourly8760, parseUsageCsv } from './usage-csv.js';

export interface RateOptions {
  tariff: string;
  usage: string;
  from: string;
  to: string;
  period: string;
  tz?: string;
  hourly8760?: boolean;
  json?: boolean;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, undefined, 'file', (err as Error).message);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at
      ? text.slice(0, Number.parseInt(at[1] ?? '0', 10)).split('\n').length
      : undefined;
    throw new InputError(file, line, 'json', message);
  }
}

/** The line of a JSON file that holds the last key of `path` (best effort, for messages). */
function lineOfPath(text: string, path: string): number | undefined {
  const key = path
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .at(-1);
  if (!key) return undefined;
  const index = text.indexOf(`"${key}"`);
  return index < 0 ? undefined : text.slice(0, index).split('\n').length;
}

function loadTariff(file: string, tz: string | undefined): TariffVersion[] {
  const text = readText(file);
  try {
    return readTariffDocument(parseJson(text, file), tz);
  } catch (err) {
    if (err instanceof TariffError) {
      throw new InputError(file, lineOfPath(text, err.path), err.path || 'tariff', err.message);
    }
    throw err;
  }
}

/** Rates a usage file under a tariff file; returns the text the CLI prints. */
export function rateTariff(o: RateOptions): string {
  const versions = loadTariff(o.tariff, o.tz);
  const compiled = (() => {
    try {
      return compileTariff(versions);
    } catch (err) {
      if (err instanceof TariffError)
        throw new InputError(o.tariff, undefined, err.path, err.message);
      throw err;
    }
  })();
  const tz = o.tz ?? compiled[0]!.timeZone;
  const periods = billPeriods(o.from, o.to, o.period, tz);
  const text = readText(o.usage);
  const usage: UsageSeries = o.hourly8760
    ? parseHourly8760(text, o.usage, localMidnightUtcMs(o.from, tz))
    : parseUsageCsv(text, o.usage);
  let rated: ReturnType<typeof rateBatch>;
  try {
    rated = rateBatch({ versions: compiled, usage, periods });
  } catch (err) {
    if (!(err instanceof TariffError)) throw err;
    const row = /usage\[(\d+)\]/.exec(err.path);
    const line = row ? Number.parseInt(row[1] ?? '0', 10) + (o.hourly8760 ? 1 : 2) : undefined;
    throw new InputError(o.usage, line, err.path.includes('start') ? 'start' : 'kwh', err.message);
  }
  const first = rated.periods[0]!;
  const json = toJson(
    first.currency,
    first.exponent,
    rated.periods.map((result, i) => ({ period: periods[i]!, result })),
  );
  return o.json ? `${JSON.stringify(json, null, 2)}\n` : toTable(json);
}
