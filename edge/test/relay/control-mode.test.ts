import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { upstreamBodySchemas } from '@gridbill/shared/sync';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/config/index.js';
import { acceptRelayOrder, type IntervalRater } from '../../src/engine/index.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { freePort, type RunningSim, startSim } from '../support/sim.js';

/**
 * Class 70 control modes against the simulator's Modbus TCP meters: in mode 2 a remote
 * reconnect only arms the meter (ready_for_reconnection; the customer presses the button).
 */
const dir = mkdtempSync(join(tmpdir(), 'gw-modes-'));
const clock = createSystemClock();
let sim: RunningSim;
let gw: RunningGateway;
let n = 0;
const noRating: IntervalRater = {
  versionFor: () => undefined,
  initialState: () => ({}),
  rate: () => {
    throw new Error('not rated in this test');
  },
};

beforeAll(async () => {
  const port = await freePort();
  const modes = [
    { id: 'k1', unitId: 1, controlMode: 1 },
    { id: 'k2', unitId: 2, controlMode: 2 },
    { id: 'k4', unitId: 3, controlMode: 4 },
  ];
  sim = await startSim(
    clock,
    modes.map((m) => ({
      id: m.id,
      port,
      unitId: m.unitId,
      kW: 1,
      relay: { controlMode: m.controlMode, state: 'connected' },
    })),
    'UTC',
  );
  const config = gatewayConfigSchema.parse({
    gatewayId: 'gw-modes',
    siteTimeZone: 'UTC',
    currency: 'KES',
    dataDir: join(dir, 'data'),
    clockTrust: 'always',
    buses: [{ id: 'tcp', kind: 'tcp', maxConcurrent: 4, timeoutMs: 1_000 }],
    accounts: [{ id: 'P', mode: 'postpaid', tariffId: 'none' }],
    meters: modes.map((m) => ({
      id: m.id,
      protocol: 'modbus',
      bus: 'tcp',
      profile: 'gridbill-prepaid',
      host: '127.0.0.1',
      port,
      address: m.unitId,
      accountId: 'P',
    })),
    relayPolicy: { command: { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 200 } },
  });
  gw = await startGateway({
    config,
    clock,
    logger: pino({ level: 'silent' }),
    newId: () => `id${++n}`,
    random: (k) => new Uint8Array(k),
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

function order(meterId: string, action: 'connect' | 'disconnect') {
  const now = clock.wallMs();
  const orderId = `o-${meterId}-${action}`;
  const body = {
    orderId,
    meterId,
    action,
    priority: 5,
    reason: 'mode test',
    issuedAtMs: now,
    expiresAtMs: now + 60_000,
  };
  expect(acceptRelayOrder(gw.engine, body, 'feed').outcome).toBe('accepted');
  return orderId;
}

function relayEvent(commandId: string) {
  const row = gw.engine.outbox
    .read(0, 1_000)
    .find((r) => r.kind === 'relay-event' && JSON.parse(r.body).commandId === commandId);
  return row && upstreamBodySchemas['relay-event'].parse(JSON.parse(row.body));
}

describe('relay read-back per control mode (simulator)', () => {
  it('mode 1 reconnects to connected; modes 2 and 4 end armed, not RELAY_FAULT', async () => {
    for (const id of ['k1', 'k2', 'k4']) order(id, 'disconnect');
    await gw.runner.idle();
    for (const id of ['k1', 'k2', 'k4']) {
      expect(sim.sim.get(id).model.relayView(sim.sim.now()).state).toBe('disconnected');
      expect(gw.engine.relays.get(id)?.policy.phase).toBe('MANUAL_LOCK');
    }
    for (const id of ['k1', 'k2', 'k4']) order(id, 'connect');
    await gw.runner.idle();
    expect(gw.engine.relays.get('k1')?.policy.phase).toBe('CONNECTED');
    expect(relayEvent('o-k1-connect')).toMatchObject({
      outcome: 'done',
      relayStateAfter: 'connected',
    });
    for (const id of ['k2', 'k4']) {
      expect(sim.sim.get(id).model.relayView(sim.sim.now())).toMatchObject({
        state: 'ready_for_reconnection',
        outputState: false,
      });
      expect(gw.engine.relays.get(id)?.policy.phase).toBe('ARMED');
      expect(relayEvent(`o-${id}-connect`)).toMatchObject({
        outcome: 'done',
        relayStateAfter: 'armed',
      });
    }
  });
});
