import { CENTRAL_MQTT_USERNAME, upTopic } from '@gridbill/shared/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralLink } from '../../src/mqtt/central-link.js';
import { connectCentralLink } from '../../src/mqtt/central-link.js';
import type { MosquittoProcess } from './mosquitto-process.js';
import { startMosquitto } from './mosquitto-process.js';
import { connectAs, endAll, until } from './mqtt-test-client.js';

const silent = { info: () => {}, warn: () => {} };
const ACCOUNTS = { 'gw-a': 'pa', [CENTRAL_MQTT_USERNAME]: 'pc' };
const telemetry = (powerW: number) =>
  JSON.stringify({ v: 1, meterId: 'm-1', capturedAtMs: 1767225600000, values: { powerW } });

describe('central link across a Mosquitto crash', () => {
  let broker: MosquittoProcess;
  let link: CentralLink;
  const seen: number[] = [];

  beforeAll(async () => {
    broker = await startMosquitto(ACCOUNTS);
    link = await connectCentralLink({
      url: broker.url,
      username: CENTRAL_MQTT_USERNAME,
      password: 'pc',
      log: silent,
      handlers: { onTelemetry: (_, t) => seen.push(t.values.powerW ?? -1) },
    });
  });
  afterAll(async () => {
    await link.close();
    await broker.close();
  });

  it('reconnects, subscribes again, and fails fast while the broker is down', async () => {
    const before = await connectAs(broker.url, 'gw-a', 'pa');
    await before.publishAsync(upTopic('gw-a', 'telemetry'), telemetry(1), { qos: 1 });
    await until(() => seen.includes(1), 'telemetry before the crash');
    await endAll([before]);

    await broker.stop('SIGKILL');
    await until(() => !link.isConnected(), 'link noticed the crash');
    await expect(link.publishPullHint('gw-a', { feedEpoch: 'e1', cseq: 2 })).rejects.toThrow(
      'mqtt not connected',
    );

    await broker.start();
    await until(() => link.isConnected(), 'link back', 10_000);
    const after = await connectAs(broker.url, 'gw-a', 'pa');
    await until(
      () => {
        after.publish(upTopic('gw-a', 'telemetry'), telemetry(2), { qos: 0 });
        return seen.includes(2);
      },
      'telemetry after the restart (subscription restored)',
      5000,
    );
    await endAll([after]);
    expect(seen[0]).toBe(1);
  });

  it('rejects at start when asked to wait and the broker is unreachable', async () => {
    await broker.stop('SIGKILL');
    const options = { username: CENTRAL_MQTT_USERNAME, password: 'pc', log: silent };
    await expect(connectCentralLink({ ...options, url: broker.url, handlers: {} })).rejects.toThrow(
      'ECONNREFUSED',
    );
    await broker.start();
  });
});
