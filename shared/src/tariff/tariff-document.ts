import { parseTariffVersion } from './parse-tariff.js';
import type { TariffVersion } from './schema.js';
import { TariffError } from './tariff-error.js';
import type { UrdbRate } from './urdb.js';
import { importUrdb, isUrdbRate } from './urdb.js';

/**
 * Reads a parsed tariff document: a native version, an array of native versions, or an OpenEI
 * URDB rate (detected by its fields; converted with `timeZone`, default "UTC").
 */
export function readTariffDocument(value: unknown, timeZone?: string): TariffVersion[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TariffError('', 'empty list of tariff versions');
    return value.map((v, i) => parseTariffVersion(v, `[${i}]`));
  }
  if (isUrdbRate(value)) return [importUrdb(value as UrdbRate, { timeZone: timeZone ?? 'UTC' })];
  return [parseTariffVersion(value)];
}
