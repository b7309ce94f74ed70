import { randomBytes } from 'node:crypto';
import type { Telemetry } from '@gridbill/shared/sync';
import { CENTRAL_MQTT_USERNAME, commandFilter, upTopic } from '@gridbill/shared/sync';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/mqtt/credentials.js';
import { mqttConfigSchema } from '../../src/mqtt/mqtt-config.js';
import { registerMqttMetrics } from '../../src/mqtt/mqtt-metrics.js';
import type { MqttService } from '../../src/mqtt/mqtt-service.js';
import { startMqttService } from '../../src/mqtt/mqtt-service.js';
import { startMosquitto } from './mosquitto-process.js';
import { collect, connectAs, endAll, until } from './mqtt-test-client.js';

const silent = { info: () => {}, warn: () => {} };
const random = (n: number) => new Uint8Array(randomBytes(n));
const telemetry: Telemetry = {
  v: 1,
  meterId: 'm-1',
  capturedAtMs: 1767225600000,
  values: { powerW: 512 },
};

/** Central link ↔ gateway round trip through whichever broker the service uses. */
async function roundTrip(service: MqttService, url: string, password: string) {
  const link = service.link!;
  const gw = await connectAs(url, 'gw-a', password);
  try {
    const seen = collect(gw);
    await gw.subscribeAsync(commandFilter('gw-a'), { qos: 1 });
    await link.publishPullHint('gw-a', { feedEpoch: 'e1', cseq: 7 });
    await until(() => seen.length === 1, 'pull hint at the gateway');
    expect(JSON.parse(seen[0]!.text)).toEqual({ v: 1, checkpoint: { feedEpoch: 'e1', cseq: 7 } });
    await gw.publishAsync(upTopic('gw-a', 'telemetry'), JSON.stringify(telemetry), { qos: 1 });
    await gw.publishAsync(upTopic('gw-a', 'telemetry'), '{"v":1,"meterId":"m-1"}', { qos: 1 });
    await until(() => link.stats.invalid === 1, 'invalid telemetry counted');
  } finally {
    await endAll([gw]);
  }
}

describe('central mqtt service', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of cleanup.reverse()) await close();
  });

  it('embedded mode: broker + central link, telemetry and hints flow, metrics read', async () => {
    const received: [string, Telemetry][] = [];
    const config = mqttConfigSchema.parse({
      mode: 'embedded',
      port: 0,
      gateways: [{ gatewayId: 'gw-a', passwordHash: await hashPassword('pa', random(16)) }],
    });
    const service = await startMqttService(config, {
      random,
      log: silent,
      handlers: { onTelemetry: (gw, t) => received.push([gw, t]) },
    });
    cleanup.push(() => service.close());
    await roundTrip(service, service.broker!.url, 'pa');
    expect(received).toEqual([['gw-a', telemetry]]);
    const registry = new Registry();
    registerMqttMetrics(registry, service);
    const text = await registry.metrics();
    expect(text).toContain('gridbill_mqtt_link_up 1');
    expect(text).toContain('gridbill_mqtt_connected_clients 1');
  });

  it('external mode: the same link against Mosquitto by URL', async () => {
    const mosquitto = await startMosquitto({ 'gw-a': 'pa', [CENTRAL_MQTT_USERNAME]: 'pc' });
    cleanup.push(() => mosquitto.close());
    const received: string[] = [];
    const config = mqttConfigSchema.parse({
      mode: 'external',
      url: mosquitto.url,
      username: CENTRAL_MQTT_USERNAME,
      password: 'pc',
    });
    const service = await startMqttService(config, {
      random,
      log: silent,
      handlers: { onTelemetry: (gw) => received.push(gw) },
    });
    cleanup.push(() => service.close());
    expect(service.broker).toBeNull();
    await service.link!.ready;
    await roundTrip(service, mosquitto.url, 'pa');
    expect(received).toEqual(['gw-a']);
  });

  it('refuses a bad config with the field and reason', () => {
    const result = mqttConfigSchema.safeParse({
      mode: 'external',
      url: 'http://x',
      username: 'u',
      password: 'p',
    });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.path).toEqual(['url']);
    const open = mqttConfigSchema.safeParse({ mode: 'embedded', host: '0.0.0.0', gateways: [] });
    expect(open.success).toBe(false);
    if (!open.success) {
      expect(open.error.issues[0]?.message).toBe(
        'an embedded broker listening beyond loopback needs tls (certFile, keyFile)',
      );
    }
  });

  it('external mode starts while the broker is down and connects when it comes up', async () => {
    const mosquitto = await startMosquitto({ [CENTRAL_MQTT_USERNAME]: 'pc' });
    cleanup.push(() => mosquitto.close());
    await mosquitto.stop('SIGKILL');
    const config = mqttConfigSchema.parse({
      mode: 'external',
      url: mosquitto.url,
      username: CENTRAL_MQTT_USERNAME,
      password: 'pc',
    });
    const service = await startMqttService(config, { random, log: silent, handlers: {} });
    cleanup.push(() => service.close());
    expect(service.link!.isConnected()).toBe(false);
    await mosquitto.start();
    await service.link!.ready;
    expect(service.link!.isConnected()).toBe(true);
  });

  it('embedded mode accepts a gateway by its central record secret', async () => {
    const config = mqttConfigSchema.parse({ mode: 'embedded', port: 0 });
    const service = await startMqttService(config, {
      random,
      log: silent,
      handlers: {},
      gatewaySecretOk: async (id, secret) => id === 'gw-r' && secret === 'gw_s3cret',
    });
    cleanup.push(() => service.close());
    const gw = await connectAs(service.broker!.url, 'gw-r', 'gw_s3cret');
    await endAll([gw]);
    await expect(connectAs(service.broker!.url, 'gw-r', 'wrong')).rejects.toThrow();
    await expect(connectAs(service.broker!.url, 'gw-x', 'gw_s3cret')).rejects.toThrow();
  });

  it('off mode starts nothing', async () => {
    const service = await startMqttService({ mode: 'off' }, { random, log: silent, handlers: {} });
    expect(service.link).toBeNull();
    await service.close();
  });
});
