import { readFileSync } from 'node:fs';
import {
  type CompiledVersion,
  compileTariff,
  readTariffDocument,
  type TariffVersion,
} from '@gridbill/shared/tariff';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/index.js';

/**
 * Reads tariff documents (native versions or URDB rates, JSON or YAML), adds the versions
 * stored from central, and compiles them per tariff id. Errors name the file.
 *
 * @example
 * loadTariffs(['tariffs/flat.json'], 'Africa/Nairobi') // → Map { 'flat' => [CompiledVersion] }
 */
export function loadTariffs(
  files: readonly string[],
  timeZone: string,
  stored: readonly TariffVersion[] = [],
): Map<string, CompiledVersion[]> {
  const byTariff = new Map<string, TariffVersion[]>();
  for (const v of stored) byTariff.set(v.tariffId, [...(byTariff.get(v.tariffId) ?? []), v]);
  for (const file of files) {
    try {
      const text = readFileSync(file, 'utf8');
      const raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      for (const v of readTariffDocument(raw, timeZone)) {
        const list = byTariff.get(v.tariffId) ?? [];
        if (!list.some((x) => x.versionId === v.versionId)) list.push(v);
        byTariff.set(v.tariffId, list);
      }
    } catch (err) {
      throw new ConfigError(file, [`tariff file: ${(err as Error).message}`]);
    }
  }
  return new Map([...byTariff].map(([id, versions]) => [id, compileTariff(versions)]));
}
