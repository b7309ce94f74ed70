import { compileTariff, parseTariffVersion } from '@gridbill/shared/tariff';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from './ingest.js';
import { ratingKey } from './rating-replay.js';
import { CHECKPOINT_CYCLES } from './rating-states.js';
import { createTariffRater } from './tariff-rater.js';

/** Tiered monthly: first 10 kWh at 0.10, the rest at 0.30 (the state carries the tier use). */
const tiered = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'tier',
  versionId: 'tier-1',
  effectiveFrom: '2026-01-01',
  timeZone: 'UTC',
  currency: 'USD',
  rounding: 'half-up',
  periods: ['all'],
  schedules: { default: { defaultPeriod: 'all', seasons: [] } },
  components: [
    {
      kind: 'energy',
      id: 'e',
      description: 'Energy',
      rates: { all: '0.1' },
      tiers: {
        scope: 'month',
        limitsKwh: ['10'],
        allocation: 'chronological',
        adders: ['0', '0.2'],
      },
    },
  ],
});

let fx: EngineFixture;
afterEach(() => fx?.close());

function fixture(): EngineFixture {
  return engineFixture({
    wallMs: T0 + 400 * 900_000,
    rater: createTariffRater(new Map([['tier', compileTariff([tiered])]])),
    config: (dir) =>
      baseConfig(dir, {
        accounts: [{ id: 'A', mode: 'postpaid', tariffId: 'tier', openingBalanceMinor: 0 }],
        meters: [
          { id: 'm1', protocol: 'dlms', bus: 'tcp', profile: 'p', host: 'h', accountId: 'A' },
        ],
      }),
  });
}

/** Cycle k: one reading of m1, 37 Wh more than the previous (k = 0 is the baseline). */
function cycle(k: number) {
  const r = { meterId: 'm1', register: 'importWh', captureMs: T0 + k * 900_000 };
  return [{ ...r, valueWh: k * 37, serial: 'S', source: 'profile' as const }];
}

const key = ratingKey('m1', 'tier');
const checkpointRow = (f: EngineFixture) =>
  f.engine.deps.db.prepare('SELECT through_ms FROM rating_state').pluck().get() as number;

describe('rating checkpoints + replay', () => {
  it('a restart between checkpoints replays the rated intervals to the same state', () => {
    fx = fixture();
    const cycles = CHECKPOINT_CYCLES + 20;
    for (let k = 0; k <= cycles; k++) ingestReadings(fx.engine, cycle(k));
    const live = JSON.stringify(fx.engine.rating.get(key));
    // written on the first cycle and once more on its slot, not every cycle
    expect(checkpointRow(fx)).toBeLessThan(T0 + (cycles - 1) * 900_000);
    const engine = fx.reopen();
    expect(JSON.stringify(engine.rating.get(key))).toBe(live);
    // and it rates on exactly as an engine that never restarted
    ingestReadings(engine, cycle(cycles + 1));
    const amounts = engine.deps.db
      .prepare('SELECT amount_minor FROM charges ORDER BY interval_start_ms')
      .pluck()
      .all() as string[];
    expect(amounts).toHaveLength(cycles + 1);
    // 37 Wh at 0.10/kWh = 0.37 cents (under the 10 kWh tier): the running total rounded once
    const n = BigInt(cycles + 1);
    expect(amounts.reduce((s, a) => s + BigInt(a), 0n)).toBe((n * 370n + 500n) / 1000n);
  });

  it('a rolled back cycle restores the committed state (checkpoint + replay)', () => {
    fx = fixture();
    for (let k = 0; k <= 5; k++) ingestReadings(fx.engine, cycle(k));
    const before = JSON.stringify(fx.engine.rating.get(key));
    const db = fx.engine.deps.db;
    db.exec(
      'CREATE TRIGGER fail BEFORE INSERT ON cycle_records ' +
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    expect(() => ingestReadings(fx.engine, cycle(6))).toThrow('disk full');
    expect(JSON.stringify(fx.engine.rating.get(key))).toBe(before);
    db.exec('DROP TRIGGER fail');
    ingestReadings(fx.engine, cycle(6));
    expect(JSON.stringify(fx.engine.rating.get(key))).not.toBe(before);
    expect(db.prepare('SELECT count(*) FROM charges').pluck().get()).toBe(6);
  });

  it('a stored charge the replay cannot reproduce stops the start with a specific error', () => {
    fx = fixture();
    for (let k = 0; k <= 5; k++) ingestReadings(fx.engine, cycle(k));
    // the cycle record holding that interval: its amount rewritten
    fx.engine.deps.db
      .prepare(
        "UPDATE cycle_records SET body = json_replace(body, '$.i.am[0]', '999') " +
          "WHERE (body ->> '$.t0') + (body ->> '$.i.t[0]') = ?",
      )
      .run(T0 + 4 * 900_000);
    expect(() => fx.reopen()).toThrow(/meter m1 \(tariff tier\) does not replay: interval/);
  });
});
