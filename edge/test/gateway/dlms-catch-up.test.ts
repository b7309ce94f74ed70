import { createSystemClock, ManualClock } from '@gridbill/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../src/polling/poller.js';
import { DlmsLink } from '../../src/polling/dlms-link.js';
import { memoryCounterStore } from '../../src/dlms/index.js';
import { KEYS, loadSim, seededRandom } from '../dlms/support.js';
import { baseConfig, type EngineFixture, engineFixture } from '../support/engine-fixture.js';

const Q = 900_000;
const DAY0 = Date.UTC(2026, 2, 2);
const clock = new ManualClock({ wallMs: DAY0 + 10 * 3_600_000 + 5_000 });
let server: { port: number; close(): Promise<void> };
let meter: { relayState(): { outputState: boolean } };
let link: DlmsLink;

beforeAll(async () => {
  const sim = await loadSim();
  meter = sim.createMemoryMeter({
    serial: 'DLMS-0001',
    clockMs: () => clock.wallMs(),
    profileStartMs: DAY0,
  });
  server = await sim.startDlmsServer({
    backend: (address: number) => (address === 1 ? meter : undefined),
    transport: 'wrapper',
    port: 0,
  });
  link = new DlmsLink(
    {
      transport: 'wrapper',
      host: '127.0.0.1',
      port: server.port,
      clientAddress: 1,
      serverAddress: 1,
      auth: 'high-gmac', // management: reads everything and runs disconnect control
      keys: KEYS,
    },
    createSystemClock(), // the client's response timeouts run on real time
    seededRandom(1),
    memoryCounterStore(1),
  );
});

afterAll(async () => {
  await link?.close();
  await server?.close();
});

describe('DLMS meters through the DLMS client (simulator server)', () => {
  it('reads the energy register with its scaler, serial and clock', async () => {
    const read = await link.readEnergy();
    expect(read.serial).toBe('DLMS-0001');
    expect(read.valueWh).toBe(40 * 100); // row 40 (10:00) holds 40 × 100 Wh
    expect(Math.abs((read.meterClockMs ?? 0) - clock.wallMs())).toBeLessThan(2_000);
  });

  it('reads the load profile by time range', async () => {
    const rows = await link.readProfile(DAY0 + 4 * Q, DAY0 + 7 * Q);
    expect(rows).toEqual([4, 5, 6, 7].map((i) => ({ captureMs: DAY0 + i * Q, valueWh: i * 100 })));
  });

  it('catches up missing intervals from the profile after an outage, not estimated', async () => {
    const fx: EngineFixture = engineFixture({
      wallMs: clock.wallMs(),
      config: (dir) =>
        baseConfig(dir, {
          meters: [
            {
              id: 'd1',
              protocol: 'dlms',
              bus: 'tcp',
              profile: 'cosem',
              host: '127.0.0.1',
              accountId: 'ACC-1001',
            },
          ],
        }),
    });
    try {
      fx.engine.transact(() =>
        fx.engine.vee.set('d1', {
          lastCaptureMs: DAY0 + 8 * Q,
          lastValueWh: 800,
          serial: 'DLMS-0001',
          rateMilliWhPerHour: 0,
        }),
      );
      fx.clock.advance(clock.wallMs() - fx.clock.wallMs());
      const target = {
        meter: fx.engine.meters.get('d1')!.config,
        link,
        run: <T>(task: () => Promise<T>) => task(),
      };
      const poller = new Poller(fx.engine, new Map([['d1', target]]));
      const summary = await poller.pollCycle();
      expect(poller.stats.profileRows).toBe(32); // 02:15 .. 10:00
      expect(summary.intervals).toBe(32);
      const flags = fx.engine.deps.db
        .prepare("SELECT count(*) FROM intervals WHERE flags != ''")
        .pluck()
        .get();
      expect(flags).toBe(0);
      const wh = fx.engine.deps.db.prepare('SELECT sum(energy_wh) FROM intervals').pluck().get();
      expect(wh).toBe(4_000 - 800);
    } finally {
      fx.close();
    }
  });

  it('opens the relay with class 70 remote_disconnect and reads output_state back', async () => {
    await link.switchRelay('open');
    expect(await link.readRelay()).toBe('open');
    expect(meter.relayState().outputState).toBe(false);
  });
});
