import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/config/index.js';
import { applyPolicyEvent, type IntervalRater } from '../../src/engine/index.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { type RunningSim, startSim } from '../support/sim.js';

/** An RS-485 bus as users wire it: the simulator's Modbus RTU meters behind a socat PTY. */
const dir = mkdtempSync(join(tmpdir(), 'gw-rtu-'));
const link = join(dir, 'ttyRS485');
let sim: RunningSim;
let gw: RunningGateway;
const noRating: IntervalRater = {
  versionFor: () => undefined,
  initialState: () => ({}),
  rate: () => {
    throw new Error('not rated in this test');
  },
};

beforeAll(async () => {
  const clock = createSystemClock();
  const meters = [1, 2, 3].map((unitId) => ({ id: `r${unitId}`, ptyLink: link, unitId, kW: 2 }));
  sim = await startSim(clock, meters, 'UTC');
  const config = gatewayConfigSchema.parse({
    gatewayId: 'gw-rtu',
    siteTimeZone: 'UTC',
    currency: 'KES',
    dataDir: join(dir, 'data'),
    clockTrust: 'always',
    buses: [
      { id: 'rs485', kind: 'rtu', device: link, baudRate: 9_600, parity: 'none', timeoutMs: 300 },
    ],
    accounts: [{ id: 'P', mode: 'postpaid', tariffId: 'none' }],
    meters: meters.map((m) => ({
      id: m.id,
      protocol: 'modbus',
      bus: 'rs485',
      profile: 'gridbill-prepaid',
      address: m.unitId,
      accountId: 'P',
    })),
  });
  gw = await startGateway({
    config,
    clock,
    logger: pino({ level: 'silent' }),
    newId: (() => {
      let n = 0;
      return () => `id${++n}`;
    })(),
    random: (n) => new Uint8Array(n),
    rater: noRating,
    listen: false,
    schedules: false,
  });
});

afterAll(async () => {
  await gw?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Modbus RTU over a serial line (socat PTY) against the simulator', () => {
  it('polls every meter on the bus, one request at a time', async () => {
    const summary = await gw.poller.pollCycle();
    expect(summary.stored).toBe(3);
    expect(gw.targets.queues.get('rs485')?.busyMs).toBeGreaterThan(0);
  });

  it('a corrupted frame (bad CRC) fails that meter only, and the cycle goes on', async () => {
    sim.sim.injectFault('r3', { kind: 'corrupt-frames' }, 600);
    const failures = gw.poller.stats.failures;
    const summary = await gw.poller.pollCycle();
    expect(summary.stored).toBe(2);
    expect(gw.poller.stats.failures).toBe(failures + 1);
    sim.sim.clearFaults('r3');
  });

  it('switches a relay with a coil write and reads it back', async () => {
    gw.engine.transact(() =>
      applyPolicyEvent(gw.engine, 'r2', { type: 'order', order: 'open' }, 'operator: test'),
    );
    gw.runner.kick();
    await gw.runner.idle();
    expect(gw.engine.relays.get('r2')?.policy.phase).toBe('MANUAL_LOCK');
    expect(sim.sim.get('r2').model.relayView(sim.sim.now()).outputState).toBe(false);
    expect(sim.sim.get('r1').model.relayView(sim.sim.now()).outputState).toBe(true);
  });
});
