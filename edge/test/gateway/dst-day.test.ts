import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@gridbill/shared/clock';
import { compileTariff, parseTariffVersion, rateBatch } from '@gridbill/shared/tariff';
import { localMidnightUtcMs } from '@gridbill/shared/time';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/config/index.js';
import { createTariffRater } from '../../src/engine/tariff-rater.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { freePort, type RunningSim, startSim } from '../support/sim.js';

const LONDON = 'Europe/London';
const window = [{ from: '01:00', to: '03:00', period: 'peak' }];
const tou = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'tou',
  versionId: 'tou-2026',
  effectiveFrom: '2026-01-01',
  timeZone: LONDON,
  currency: 'GBP',
  rounding: 'half-up',
  periods: ['peak', 'off'],
  schedules: {
    default: { defaultPeriod: 'off', seasons: [{ id: 'all', weekday: window, weekend: window }] },
  },
  components: [
    { kind: 'energy', id: 'e', description: 'Energy', rates: { peak: '1', off: '0.1' } },
  ],
});

const dir = mkdtempSync(join(tmpdir(), 'gw-dst-'));
let sim: RunningSim | undefined;
let gw: RunningGateway | undefined;
afterAll(async () => {
  await gw?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a DST change day against the simulator (Europe/London, 2026-03-29, 23 h)', () => {
  it('rates the short day like central re-rating does', async () => {
    const dayStart = localMidnightUtcMs('2026-03-29', LONDON);
    const dayEnd = localMidnightUtcMs('2026-03-30', LONDON);
    const clock = new ManualClock({ wallMs: dayStart, monoMs: 1 });
    const port = await freePort();
    sim = await startSim(clock, [{ id: 'l1', port, unitId: 1, kW: 4 }], LONDON);
    const versions = compileTariff([tou]);
    gw = await startGateway({
      config: gatewayConfigSchema.parse({
        gatewayId: 'gw-uk',
        siteTimeZone: LONDON,
        currency: 'GBP',
        dataDir: join(dir, 'data'),
        clockTrust: 'always',
        buses: [{ id: 'tcp', kind: 'tcp' }],
        accounts: [{ id: 'U1', mode: 'postpaid', tariffId: 'tou' }],
        meters: [
          {
            id: 'l1',
            protocol: 'modbus',
            bus: 'tcp',
            profile: 'gridbill-prepaid',
            host: '127.0.0.1',
            port,
            accountId: 'U1',
          },
        ],
      }),
      clock,
      logger: pino({ level: 'silent' }),
      newId: () => 'x',
      random: (n) => new Uint8Array(n),
      rater: createTariffRater(new Map([['tou', versions]])),
      listen: false,
      schedules: false,
    });
    await gw.poller.pollCycle();
    while (clock.wallMs() < dayEnd) {
      clock.advance(900_000);
      await gw.poller.pollCycle();
    }
    const db = gw.engine.deps.db;
    const rows = db
      .prepare('SELECT start_ms, energy_wh FROM intervals ORDER BY start_ms')
      .all() as { start_ms: number; energy_wh: number }[];
    expect(rows).toHaveLength(92); // 23 local hours
    const edgeMinor = -gw.engine.balanceOf('U1');
    const central = rateBatch({
      versions,
      usage: {
        startMs: rows.map((r) => r.start_ms),
        wh: rows.map((r) => r.energy_wh),
        intervalSeconds: 900,
      },
      periods: [{ fromMs: dayStart, toMs: dayEnd }],
    }).periods[0];
    const peakWh = central?.lines.find((l) => l.determinants.period === 'peak')?.determinants.wh;
    // local 01:00-03:00 holds one real hour: 02:00-03:00 BST = intervals 4..7 (01:00-02:00 UTC)
    expect(Number(peakWh)).toBe(rows.slice(4, 8).reduce((a, r) => a + r.energy_wh, 0));
    // the edge rounds once on the running total, central once per line: at most 1 minor unit apart
    const diff = edgeMinor - (central?.totalMinor ?? 0n);
    expect(diff >= -1n && diff <= 1n, `edge ${edgeMinor} vs central ${central?.totalMinor}`).toBe(
      true,
    );
    expect(edgeMinor).toBeGreaterThan(0n);
  });
});
