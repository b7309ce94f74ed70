import type { Database } from 'better-sqlite3';
import { parseTariffVersion, type TariffVersion } from '@gridbill/shared/tariff';

/**
 * Tariff versions delivered by central (the sync issue's downstream apply calls
 * `storeTariffVersion` in its inbox transaction). Versions are immutable: storing the same id
 * again with another document is refused.
 *
 * @example
 * storeTariffVersion(db, doc) // → 'stored' | 'duplicate'
 */
export function storeTariffVersion(
  db: Database,
  document: unknown,
  effectiveFromMs?: number,
): 'stored' | 'duplicate' {
  const v = parseTariffVersion(document);
  const text = JSON.stringify(document);
  const existing = db
    .prepare('SELECT document FROM tariff_versions WHERE id = ?')
    .pluck()
    .get(v.versionId) as string | undefined;
  if (existing !== undefined) {
    if (existing === text) return 'duplicate';
    throw new Error(`tariff version ${v.versionId} already stored with different content`);
  }
  const from = effectiveFromMs ?? Date.parse(v.effectiveFrom);
  db.prepare(
    'INSERT INTO tariff_versions (id, tariff_id, effective_from_ms, document) VALUES (?, ?, ?, ?)',
  ).run(v.versionId, v.tariffId, Number.isNaN(from) ? 0 : from, text);
  return 'stored';
}

/** Every stored tariff version, parsed (used with the configured tariff files at start). */
export function storedTariffVersions(db: Database): TariffVersion[] {
  const rows = db.prepare('SELECT document FROM tariff_versions ORDER BY id').pluck().all();
  return (rows as string[]).map((text) => parseTariffVersion(JSON.parse(text)));
}
