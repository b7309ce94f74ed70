import { readFileSync } from 'node:fs';
import { type CompiledVersion, compileTariff, readTariffDocument } from '@gridbill/shared/tariff';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/index.js';

/**
 * Reads tariff documents (native versions or URDB rates, JSON or YAML) and compiles them per
 * tariff id. Errors name the file.
 *
 * @example
 * loadTariffs(['tariffs/flat.json'], 'Africa/Nairobi') // → Map { 'flat' => [CompiledVersion] }
 */
export function loadTariffs(
  files: readonly string[],
  timeZone: string,
): Map<string, CompiledVersion[]> {
  const byTariff = new Map<string, ReturnType<typeof readTariffDocument>>();
  for (const file of files) {
    try {
      const text = readFileSync(file, 'utf8');
      const raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      for (const v of readTariffDocument(raw, timeZone)) {
        const list = byTariff.get(v.tariffId) ?? [];
        list.push(v);
        byTariff.set(v.tariffId, list);
      }
    } catch (err) {
      throw new ConfigError(file, [`tariff file: ${(err as Error).message}`]);
    }
  }
  return new Map([...byTariff].map(([id, versions]) => [id, compileTariff(versions)]));
}
