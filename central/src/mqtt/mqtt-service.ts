import { readFile } from 'node:fs/promises';
import { CENTRAL_MQTT_USERNAME } from '@gridbill/shared/sync';
import type { Logger } from 'pino';
import type { CentralLink, CentralMqttHandlers } from './central-link.js';
import { connectCentralLink } from './central-link.js';
import { chainCredentialStores, createCredentialStore, hashPassword } from './credentials.js';
import type { EmbeddedBroker } from './embedded-broker.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import type { MqttConfig } from './mqtt-config.js';

export interface MqttService {
  /** null when MQTT is off. */
  readonly link: CentralLink | null;
  /** The in-process broker in embedded mode, else null. */
  readonly broker: EmbeddedBroker | null;
  close(): Promise<void>;
}

export interface MqttServiceDeps {
  /** Random bytes (crypto in production); makes central's internal broker secret. */
  random: (byteCount: number) => Uint8Array;
  handlers: CentralMqttHandlers;
  log: Pick<Logger, 'info' | 'warn'>;
  /**
   * Embedded mode: also accept gateways by their central record secret (the sync credential),
   * e.g. `(id, secret) => gatewayCredentialOk(ctx, id, secret)`.
   */
  gatewaySecretOk?: (gatewayId: string, secret: string) => Promise<boolean>;
}

/**
 * Starts central's MQTT side from config: the embedded broker plus central's own link to it,
 * or only the link to an external broker.
 */
export async function startMqttService(
  config: MqttConfig,
  deps: MqttServiceDeps,
): Promise<MqttService> {
  if (config.mode === 'off') return { link: null, broker: null, close: async () => {} };
  if (config.mode === 'external') {
    // An external broker may be down at start: central starts anyway and keeps retrying.
    const link = await connectCentralLink({
      ...config,
      handlers: deps.handlers,
      log: deps.log,
      waitForConnection: false,
    });
    return { link, broker: null, close: () => link.close() };
  }
  const centralPassword = Buffer.from(deps.random(32)).toString('base64url');
  const hashes = new Map<string, string>(config.gateways.map((g) => [g.gatewayId, g.passwordHash]));
  hashes.set(CENTRAL_MQTT_USERNAME, await hashPassword(centralPassword, deps.random(16)));
  const tls =
    config.tls === undefined
      ? undefined
      : {
          certPem: await readFile(config.tls.certFile, 'utf8'),
          keyPem: await readFile(config.tls.keyFile, 'utf8'),
        };
  const broker = await startEmbeddedBroker({
    credentials: chainCredentialStores(createCredentialStore(hashes), {
      check: deps.gatewaySecretOk ?? (async () => false),
    }),
    host: config.host,
    port: config.port,
    tls,
    log: deps.log,
  });
  try {
    const link = await connectCentralLink({
      url: broker.localUrl,
      username: CENTRAL_MQTT_USERNAME,
      password: centralPassword,
      handlers: deps.handlers,
      log: deps.log,
    });
    return {
      link,
      broker,
      async close() {
        await link.close();
        await broker.close();
      },
    };
  } catch (error) {
    await broker.close();
    throw error;
  }
}
