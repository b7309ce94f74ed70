import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandFilter } from '@gridbill/shared/sync';
import { connect, connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/mqtt/credentials.js';
import { mqttConfigSchema } from '../../src/mqtt/mqtt-config.js';
import type { MqttService } from '../../src/mqtt/mqtt-service.js';
import { startMqttService } from '../../src/mqtt/mqtt-service.js';
import { collect, until } from './mqtt-test-client.js';

const silent = { info: () => {}, warn: () => {} };
const random = (n: number) => new Uint8Array(randomBytes(n));

/** 'connected' on CONNACK, 'closed' when the connection ends (or errs) first. */
function outcome(url: string, ca?: Buffer): Promise<'connected' | 'closed'> {
  const client = connect(url, {
    username: 'gw-a',
    password: 'pa',
    clientId: 'gw-a',
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...(ca ? { ca } : {}),
  });
  return new Promise((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('close', () => resolve('closed'));
    client.once('error', () => resolve('closed'));
  }).finally(() => client.end(true)) as Promise<'connected' | 'closed'>;
}

describe('embedded broker over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-mqtt-tls-'));
  const certFile = join(dir, 'broker.crt');
  const keyFile = join(dir, 'broker.key');
  let service: MqttService;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const config = mqttConfigSchema.parse({
      mode: 'embedded',
      port: 0,
      tls: { certFile, keyFile },
      gateways: [{ gatewayId: 'gw-a', passwordHash: await hashPassword('pa', random(16)) }],
    });
    service = await startMqttService(config, { random, log: silent, handlers: {} });
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves gateways over mqtts, central links over loopback', async () => {
    expect(service.broker!.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(service.broker!.localUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const gw = await connectAsync(service.broker!.url, {
      username: 'gw-a',
      password: 'pa',
      clientId: 'gw-a',
      ca: readFileSync(certFile),
      reconnectPeriod: 0,
    });
    try {
      const seen = collect(gw);
      await gw.subscribeAsync(commandFilter('gw-a'), { qos: 1 });
      await service.link!.publishPullHint('gw-a', { feedEpoch: 'e1', cseq: 9 });
      await until(() => seen.length === 1, 'hint over TLS');
    } finally {
      await gw.endAsync(true);
    }
  });

  it('refuses plain MQTT and an unverified certificate on the TLS port', async () => {
    const port = service.broker!.port;
    expect(await outcome(`mqtt://127.0.0.1:${port}`)).toBe('closed');
    expect(await outcome(`mqtts://127.0.0.1:${port}`)).toBe('closed');
    expect(await outcome(`mqtts://127.0.0.1:${port}`, readFileSync(certFile))).toBe('connected');
  });
});
