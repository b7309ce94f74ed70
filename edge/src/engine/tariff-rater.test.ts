import { compileTariff, parseTariffVersion } from '@gridbill/shared/tariff';
import { localMidnightUtcMs } from '@gridbill/shared/time';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from './ingest.js';
import { createTariffRater } from './tariff-rater.js';

const LONDON = 'Europe/London';
const window = [{ from: '01:00', to: '03:00', period: 'peak' }];

/** Peak 01:00–03:00 local every day: 1.000 GBP/kWh, otherwise 0.100. */
const tou = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'tou',
  versionId: 'tou-1',
  effectiveFrom: '2026-01-01',
  timeZone: LONDON,
  currency: 'GBP',
  rounding: 'half-up',
  periods: ['peak', 'off'],
  schedules: {
    default: {
      defaultPeriod: 'off',
      seasons: [{ id: 'all', weekday: window, weekend: window }],
    },
  },
  components: [
    { kind: 'energy', id: 'energy', description: 'Energy', rates: { peak: '1', off: '0.1' } },
  ],
});

let fx: EngineFixture;
afterEach(() => fx?.close());

function rateLocalDay(dateKey: string, nextKey: string): bigint {
  fx = engineFixture({
    wallMs: Date.UTC(2026, 11, 1),
    rater: createTariffRater(new Map([['tou', compileTariff([tou])]])),
    config: (dir) =>
      baseConfig(dir, {
        siteTimeZone: LONDON,
        currency: 'GBP',
        accounts: [{ id: 'A', mode: 'postpaid', tariffId: 'tou', openingBalanceMinor: 0 }],
        meters: [
          { id: 'm1', protocol: 'dlms', bus: 'tcp', profile: 'p', host: 'h', accountId: 'A' },
        ],
      }),
  });
  const from = localMidnightUtcMs(dateKey, LONDON);
  const to = localMidnightUtcMs(nextKey, LONDON);
  const readings = [];
  for (let t = from, wh = 0; t <= to; t += 900_000, wh += 1000)
    readings.push({
      meterId: 'm1',
      register: 'importWh',
      captureMs: t,
      valueWh: wh,
      serial: 'S',
      source: 'profile' as const,
    });
  ingestReadings(fx.engine, readings);
  return -fx.engine.balanceOf('A');
}

describe('createTariffRater (shared kernel incremental driver)', () => {
  it('spring-forward day (23 h): 01:00–03:00 local holds one real hour of peak', () => {
    // 4 peak intervals × 1.00 + 88 off-peak × 0.10 = 12.80 GBP
    expect(rateLocalDay('2026-03-29', '2026-03-30')).toBe(1_280n);
  });

  it('fall-back day (25 h): 01:00–03:00 local holds three real hours of peak', () => {
    // 12 × 1.00 + 88 × 0.10 = 20.80 GBP
    expect(rateLocalDay('2026-10-25', '2026-10-26')).toBe(2_080n);
  });

  it('rates each interval once and the charges sum to the rounded running total', () => {
    const total = rateLocalDay('2026-06-01', '2026-06-02');
    expect(total).toBe(8n * 100n + 88n * 10n); // 8 × 1.00 + 88 × 0.10
    const rows = fx.engine.deps.db
      .prepare('SELECT count(*) n, count(DISTINCT id) d FROM charges')
      .get();
    expect(rows).toEqual({ n: 96, d: 96 });
  });
});
