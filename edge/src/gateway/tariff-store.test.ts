import { afterEach, describe, expect, it } from 'vitest';
import { type EngineFixture, engineFixture } from '../../test/support/engine-fixture.js';
import { loadTariffs } from './load-tariffs.js';
import { storedTariffVersions, storeTariffVersion } from './tariff-store.js';

const doc = {
  format: 'gridbill-tariff/v1',
  tariffId: 'flat',
  versionId: 'flat-2027',
  effectiveFrom: '2027-01-01T00:00:00Z',
  timeZone: 'UTC',
  currency: 'KES',
  rounding: 'half-up',
  periods: ['all'],
  components: [{ kind: 'energy', id: 'e', description: 'Energy', rates: { all: '21' } }],
};

let fx: EngineFixture;
afterEach(() => fx?.close());

describe('tariff versions from central', () => {
  it('stores immutable versions once and compiles them with the configured files', () => {
    fx = engineFixture();
    const db = fx.engine.deps.db;
    expect(storeTariffVersion(db, doc)).toBe('stored');
    expect(storeTariffVersion(db, doc)).toBe('duplicate');
    const changed = { ...doc, components: [{ ...doc.components[0], rates: { all: '1' } }] };
    expect(() => storeTariffVersion(db, changed)).toThrow(/different content/);
    const compiled = loadTariffs([], 'UTC', storedTariffVersions(db)).get('flat');
    expect(compiled?.map((v) => v.versionId)).toEqual(['flat-2027']);
    expect(() => storeTariffVersion(db, { ...doc, rounding: 'sideways' })).toThrow();
  });
});
