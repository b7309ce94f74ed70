import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import type { Checkpoint, RelayCommand } from '@gridbill/shared/sync';
import { CENTRAL_MQTT_USERNAME, CENTRAL_UP_FILTER, commandTopic } from '@gridbill/shared/sync';
import type { MqttClient } from 'mqtt';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayLink } from '../../src/mqtt/gateway-link.js';
import { createGatewayLink } from '../../src/mqtt/gateway-link.js';
import { createPullTrigger } from '../../src/mqtt/pull-trigger.js';
import type { Mosquitto } from './mosquitto-process.js';
import { startMosquitto } from './mosquitto-process.js';

const ACCOUNTS = { 'gw-a': 'pass-a', 'gw-b': 'pass-b', [CENTRAL_MQTT_USERNAME]: 'pass-c' };
const silent = { info: () => {}, warn: () => {} };
const clock = createSystemClock();

async function until(condition: () => boolean, what: string, limitMs = 5000) {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (condition()) return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}

function order(orderId: string, expiresInMs: number): RelayCommand['order'] {
  const now = clock.wallMs();
  return {
    orderId,
    meterId: 'm-1',
    action: 'disconnect',
    priority: 5,
    reason: 'test',
    issuedAtMs: now - 1000,
    expiresAtMs: now + expiresInMs,
  };
}

async function central(url: string): Promise<MqttClient> {
  return connectAsync(url, {
    username: CENTRAL_MQTT_USERNAME,
    password: ACCOUNTS[CENTRAL_MQTT_USERNAME],
    clientId: CENTRAL_MQTT_USERNAME,
    reconnectPeriod: 0,
  });
}

describe('gateway MQTT link against Mosquitto', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto(ACCOUNTS);
  });
  afterAll(async () => {
    await broker.close();
  });

  it('receives hints and relay commands once, reports status and telemetry', async () => {
    const hints: Checkpoint[] = [];
    const commands: [string, boolean][] = [];
    const link = createGatewayLink({
      url: broker.url,
      gatewayId: 'gw-a',
      password: ACCOUNTS['gw-a'],
      clock,
      random: createSeededRandom('gw-a'),
      log: silent,
      handlers: {
        onPullHint: (c) => hints.push(c),
        onRelayCommand: (o, expired) => commands.push([o.orderId, expired]),
      },
    });
    const c = await central(broker.url);
    const upstream: [string, unknown][] = [];
    c.on('message', (t, p) => upstream.push([t, JSON.parse(p.toString())]));
    await c.subscribeAsync(CENTRAL_UP_FILTER, { qos: 1 });
    try {
      link.start();
      await until(() => upstream.length >= 1, 'online status');
      expect(upstream[0]).toEqual([
        'gridbill/gw/gw-a/up/status',
        { v: 1, online: true, atMs: expect.any(Number) },
      ]);
      const relay = commandTopic('gw-a', 'relay');
      await c.publishAsync(
        commandTopic('gw-a', 'pull'),
        '{"v":1,"checkpoint":{"feedEpoch":"e1","cseq":4}}',
        { qos: 1 },
      );
      await c.publishAsync(relay, JSON.stringify({ v: 1, order: order('ord-1', 60_000) }), {
        qos: 1,
      });
      await c.publishAsync(relay, JSON.stringify({ v: 1, order: order('ord-1', 60_000) }), {
        qos: 1,
      });
      await c.publishAsync(relay, JSON.stringify({ v: 1, order: order('ord-2', -10) }), { qos: 1 });
      await c.publishAsync(relay, '{"v":1,"order":{"orderId":"broken"}}', { qos: 1 });
      await until(() => link.stats.invalidMessages === 1, 'invalid command counted');
      expect(hints).toEqual([{ feedEpoch: 'e1', cseq: 4 }]);
      expect(commands).toEqual([
        ['ord-1', false],
        ['ord-2', true],
      ]);
      expect(link.stats.duplicateCommands).toBe(1);
      expect(
        link.publishTelemetry({
          meterId: 'm-1',
          capturedAtMs: clock.wallMs(),
          values: { powerW: 230 },
        }),
      ).toBe(true);
      await until(() => upstream.some(([t]) => t.endsWith('/up/telemetry')), 'telemetry');
    } finally {
      await link.stop();
      await c.endAsync(true);
    }
  });

  it('a gateway link logged in as A never sees B commands', async () => {
    const seen: string[] = [];
    const link = createGatewayLink({
      url: broker.url,
      gatewayId: 'gw-a',
      password: ACCOUNTS['gw-a'],
      clock,
      random: createSeededRandom(2),
      log: silent,
      handlers: {
        onPullHint: () => seen.push('hint'),
        onRelayCommand: (o) => seen.push(o.orderId),
      },
    });
    const c = await central(broker.url);
    try {
      link.start();
      await until(() => link.isConnected(), 'connected');
      await new Promise((ok) => setTimeout(ok, 100));
      await c.publishAsync(
        commandTopic('gw-b', 'relay'),
        JSON.stringify({ v: 1, order: order('for-b', 60_000) }),
        { qos: 1 },
      );
      await c.publishAsync(
        commandTopic('gw-a', 'relay'),
        JSON.stringify({ v: 1, order: order('for-a', 60_000) }),
        { qos: 1 },
      );
      await until(() => seen.length > 0, 'own command');
      await new Promise((ok) => setTimeout(ok, 100));
      expect(seen).toEqual(['for-a']);
    } finally {
      await link.stop();
      await c.endAsync(true);
    }
  });

  it('keeps working when a handler throws', async () => {
    const seen: string[] = [];
    const link = createGatewayLink({
      url: broker.url,
      gatewayId: 'gw-b',
      password: ACCOUNTS['gw-b'],
      clock,
      random: createSeededRandom(3),
      log: silent,
      handlers: {
        onPullHint: () => {},
        onRelayCommand: (o) => {
          seen.push(o.orderId);
          if (o.orderId === 'boom') throw new Error('relay journal down');
        },
      },
    });
    const c = await central(broker.url);
    try {
      link.start();
      await until(() => link.isConnected(), 'connected');
      await new Promise((ok) => setTimeout(ok, 100));
      for (const id of ['boom', 'after']) {
        const command = JSON.stringify({ v: 1, order: order(id, 60_000) });
        await c.publishAsync(commandTopic('gw-b', 'relay'), command, { qos: 1 });
      }
      await until(() => seen.length === 2, 'both commands');
      expect(seen).toEqual(['boom', 'after']);
      expect(link.isConnected()).toBe(true);
    } finally {
      await link.stop();
      await c.endAsync(true);
    }
  });

  it('broker crash: hints sent while down are lost, the pull timer still converges', async () => {
    // The "change feed": central's head cseq and what the edge has pulled.
    let centralCseq = 1;
    let edgeCseq = 0;
    const trigger = createPullTrigger({
      clock,
      random: createSeededRandom('trigger'),
      intervalMs: 400,
      jitterMs: 50,
      pull: async () => {
        edgeCseq = centralCseq;
      },
    });
    const link: GatewayLink = createGatewayLink({
      url: broker.url,
      gatewayId: 'gw-a',
      password: ACCOUNTS['gw-a'],
      clock,
      random: createSeededRandom('crash'),
      log: silent,
      reconnect: { baseMs: 50, capMs: 200 },
      handlers: { onPullHint: () => trigger.hint(), onRelayCommand: () => {} },
    });
    try {
      trigger.start();
      link.start();
      await until(() => link.isConnected(), 'link up');
      let c = await central(broker.url);
      centralCseq = 2;
      await c.publishAsync(
        commandTopic('gw-a', 'pull'),
        '{"v":1,"checkpoint":{"feedEpoch":"e1","cseq":2}}',
        { qos: 1, retain: true },
      );
      await until(() => link.stats.hints === 1 && edgeCseq === 2, 'hinted pull');

      await broker.stop('SIGKILL');
      await until(() => !link.isConnected(), 'link noticed the crash');
      centralCseq = 3;
      c.publish(commandTopic('gw-a', 'pull'), '{"v":1,"checkpoint":{"feedEpoch":"e1","cseq":3}}', {
        qos: 1,
      });
      await c.endAsync(true);
      // No broker, no hint: the backstop timer alone brings the change.
      await until(() => edgeCseq === 3, 'timer pull while the broker is down', 3000);
      expect(link.stats.hints).toBe(1);

      await broker.start();
      await until(() => link.isConnected(), 'link back after restart', 5000);
      expect(link.stats.connects).toBe(2);
      expect(link.stats.reconnectAttempts).toBeGreaterThan(0);
      await new Promise((ok) => setTimeout(ok, 200));
      expect(link.stats.hints).toBe(1); // neither the retained nor the down-time hint survived

      c = await central(broker.url);
      centralCseq = 4;
      await c.publishAsync(
        commandTopic('gw-a', 'pull'),
        '{"v":1,"checkpoint":{"feedEpoch":"e1","cseq":4}}',
        { qos: 1 },
      );
      await until(() => link.stats.hints === 2 && edgeCseq === 4, 'hints flow again');
      await c.endAsync(true);
    } finally {
      trigger.stop();
      await link.stop();
    }
  });
});
