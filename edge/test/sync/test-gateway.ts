import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import pino from 'pino';
import { gatewayConfigSchema } from '../../src/config/index.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';

const SEED_HEX = '09'.repeat(32); // GATEWAY_KEY of edge-node.ts

export interface TestGatewayOptions {
  dir: string;
  centralUrl: string;
  sites: { accountId: string; meterId: string }[];
  clock: Clock;
  requestClock: Pick<Clock, 'wallMs'>;
  /** central.mqtt: broker URL and the gateway's password. */
  mqtt?: { url: string; password: string };
}

/**
 * The gateway daemon (`startGateway`) as a fresh site would run it: gateway id gw-1, one
 * Modbus TCP meter per site (not polled: no schedules), accounts only from central, sync with
 * key k1, pull timer 60 s (on `clock`), MQTT when given.
 */
export function startTestGateway(o: TestGatewayOptions): Promise<RunningGateway> {
  const keyFile = join(o.dir, 'sync.key');
  writeFileSync(keyFile, SEED_HEX, { mode: 0o600 });
  const passwordFile = join(o.dir, 'mqtt.pass');
  if (o.mqtt) writeFileSync(passwordFile, `${o.mqtt.password}\n`, { mode: 0o600 });
  const meters = o.sites.map((s) => ({
    id: s.meterId,
    protocol: 'modbus',
    bus: 'tcp',
    profile: 'gridbill-prepaid',
    host: '127.0.0.1',
    port: 1,
    accountId: s.accountId,
  }));
  const central = {
    url: o.centralUrl,
    username: 'gw-1',
    signingKeyFile: keyFile,
    keyId: 'k1',
    pullEverySeconds: 60,
    ...(o.mqtt ? { mqtt: { url: o.mqtt.url, passwordFile } } : {}),
  };
  const config = gatewayConfigSchema.parse({
    gatewayId: 'gw-1',
    siteTimeZone: 'Africa/Nairobi',
    currency: 'KES',
    dataDir: join(o.dir, 'data'),
    clockTrust: 'always',
    buses: [{ id: 'tcp', kind: 'tcp' }],
    meters,
    central,
    http: { port: 0 },
  });
  let n = 0;
  return startGateway({
    config,
    clock: o.clock,
    requestClock: o.requestClock,
    logger: pino({ level: 'silent' }),
    newId: () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    random: createSeededRandom('test-gateway'),
    listen: false,
    schedules: false,
  });
}

/** Polls `probe` every 50 ms until it returns a truthy value. */
export async function until<T>(probe: () => T | undefined | false, what: string, limitMs = 20_000) {
  for (let waited = 0; waited < limitMs; waited += 50) {
    const value = probe();
    if (value) return value;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}
