/**
 * MQTT wiring between a real central process and the gateway daemon, on a private Mosquitto
 * (the deployed config and ACL) and on central's embedded broker: a payment's "pull now" hint
 * makes the gateway pull within a bound (its pull timer never fires: the clock is manual); a
 * staff relay order arrives by MQTT and by the feed and is executed once; with the broker
 * killed, the HTTP pull on the timer still delivers every credit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock, ManualClock } from '@gridbill/shared/clock';
import { CENTRAL_MQTT_USERNAME } from '@gridbill/shared/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start-gateway.js';
import { type Mosquitto, startMosquitto } from '../mqtt/mosquitto-process.js';
import { type CentralProcess, startCentral } from './central-process.js';
import { GATEWAY_KEY } from './edge-node.js';
import { assignTariff, importKesTariff, pay, seedSite } from './seed-site.js';
import { startTestGateway, until } from './test-gateway.js';

const host = createSystemClock();
/** Payment → credit on the gateway: central's derive pass (2 s) + debounce + one pull. */
const HINT_BOUND_MS = 8000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Broker {
  name: string;
  /** Central's serve arguments and env, the gateway's broker URL and password. */
  start(secret: () => string): Promise<{
    args: string[];
    env: Record<string, string>;
    url: string;
    password: () => string;
    kill?: () => Promise<void>;
    close(): Promise<void>;
  }>;
}

const BROKERS: Broker[] = [
  {
    name: 'mosquitto',
    async start() {
      const mosquitto: Mosquitto = await startMosquitto({
        'gw-1': 'gw-1-mqtt-pass',
        [CENTRAL_MQTT_USERNAME]: 'central-mqtt-pass',
      });
      return {
        args: ['--mqtt', mosquitto.url],
        env: {
          GRIDBILL_MQTT_USERNAME: CENTRAL_MQTT_USERNAME,
          GRIDBILL_MQTT_PASSWORD: 'central-mqtt-pass',
        },
        url: mosquitto.url,
        password: () => 'gw-1-mqtt-pass',
        kill: () => mosquitto.stop('SIGKILL'),
        close: () => mosquitto.close(),
      };
    },
  },
  {
    name: 'embedded (aedes in central)',
    async start(secret) {
      const port = await freePort();
      return {
        args: ['--mqtt', 'embedded', '--mqtt-port', String(port)],
        env: {},
        url: `mqtt://127.0.0.1:${port}`,
        password: secret, // the gateway's central secret
        close: async () => {},
      };
    },
  },
];

describe.each(BROKERS)('MQTT hints and relay commands via $name', (broker) => {
  let central: CentralProcess;
  let brokerRun: Awaited<ReturnType<Broker['start']>>;
  let dir: string;
  let gw: RunningGateway;
  let site: { accountId: string; meterId: string; number: string };
  let secret = '';
  const clock = new ManualClock({ wallMs: host.wallMs(), monoMs: 1 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-mqtt-'));
    brokerRun = await broker.start(() => secret);
    central = await startCentral(brokerRun.env, brokerRun.args);
    const seeded = await seedSite(central, GATEWAY_KEY, 1);
    secret = seeded.secret;
    site = seeded.sites[0]!;
    await importKesTariff(central, [['t-kes-2026', '2026-01-01']]);
    await assignTariff(central, site.accountId);
    await pay(central, site.number, 10_000);
    gw = await startTestGateway({
      dir,
      centralUrl: central.url,
      sites: [site],
      clock,
      requestClock: host,
      mqtt: { url: brokerRun.url, password: brokerRun.password() },
    });
    await until(() => gw.engine.balanceOf(site.accountId) === 10_000n, 'the first snapshot');
    await until(() => gw.sync?.link?.isConnected(), 'the MQTT link');
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await central?.close();
    await brokerRun?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a payment reaches the gateway through a hint within the bound', async () => {
    const pulls = gw.sync!.sync.pullStats().pulls;
    const started = host.monoMs();
    await pay(central, site.number, 5_000);
    await until(() => gw.engine.balanceOf(site.accountId) === 15_000n, 'the hinted pull', 15_000);
    const elapsedMs = host.monoMs() - started;
    expect(elapsedMs).toBeLessThan(HINT_BOUND_MS);
    expect(gw.sync!.sync.pullStats().hinted).toBeGreaterThan(0);
    expect(gw.sync!.sync.pullStats().pulls).toBeGreaterThan(pulls);
  }, 30_000);

  it('a relay order by MQTT and by the feed executes once', async () => {
    const order = await central.api('POST', '/api/gateways/gw-1/relay-orders', {
      meterId: site.meterId,
      action: 'disconnect',
      priority: 5,
      reason: 'meter audit',
      expiresInSeconds: 600,
    });
    expect(order.status).toBe(201);
    const db = gw.engine.deps.db;
    const inFeed = db.prepare("SELECT count(*) FROM sync_inbox WHERE kind = 'relay-order'");
    await until(() => gw.sync!.link!.stats.commands === 1, 'the MQTT relay command');
    await until(() => inFeed.pluck().get() === 1, 'the same order through the feed');
    const rows = db
      .prepare('SELECT order_id, source FROM relay_orders WHERE order_id = ?')
      .all(order.body.orderId) as { source: string }[];
    expect(rows).toHaveLength(1);
    expect(['mqtt', 'feed']).toContain(rows[0]?.source);
    const commands = db.prepare('SELECT count(*) FROM relay_commands WHERE id = ?').pluck();
    expect(commands.get(order.body.orderId)).toBe(1);
  }, 30_000);

  it.runIf(broker.name === 'mosquitto')(
    'with the broker killed, the timed HTTP pull still delivers',
    async () => {
      await brokerRun.kill?.();
      await until(() => !gw.sync!.link!.isConnected(), 'the link noticing the broker is gone');
      await pay(central, site.number, 7_000);
      const pulls = gw.sync!.sync.pullStats().pulls;
      clock.advance(70_000); // pull period 60 s + up to 10 s jitter
      await until(() => gw.sync!.sync.pullStats().pulls > pulls, 'the timed pull');
      await until(() => gw.engine.balanceOf(site.accountId) === 22_000n, 'the credit by HTTP');
    },
    30_000,
  );
});
