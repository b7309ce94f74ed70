import type { Clock } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import type { Engine } from '../engine/index.js';
import type { GatewayLink } from '../mqtt/gateway-link.js';
import { startMqttLink } from '../mqtt/start-link.js';
import { attachSync, loadSyncKey } from '../sync/attach-sync.js';

export interface StartSyncOptions {
  random: (byteCount: number) => Uint8Array;
  /** Stamps signed requests (host time). */
  requestClock: Pick<Clock, 'wallMs'>;
  logger: Logger;
  /** A tariff version from central was installed (rebuild the rater). */
  tariffsChanged?: () => void;
}

export interface RunningSync {
  /** The MQTT link, when `central.mqtt` is configured. */
  link: GatewayLink | null;
  sync: ReturnType<typeof attachSync>;
  stop(): Promise<void>;
}

/**
 * Starts edge ↔ central sync when the configuration names central and a signing key
 * (`central: { url, signingKeyFile, keyId }`), plus the MQTT link when `central.mqtt` is set;
 * without them the gateway runs standalone. The first pull of an empty gateway takes a
 * snapshot. Sync failures are logged and retried with back-off; polling, rating and
 * enforcement never wait for central, and nothing depends on MQTT delivery.
 */
export function startSync(engine: Engine, o: StartSyncOptions): RunningSync | null {
  const { logger } = o;
  const central = engine.deps.config.central;
  if (!central?.signingKeyFile) {
    logger.info('no central signing key configured: running without sync');
    return null;
  }
  const sync = attachSync({
    engine,
    centralUrl: central.url,
    keyId: central.keyId,
    privateKey: loadSyncKey(central.signingKeyFile),
    random: o.random,
    requestClock: o.requestClock,
    pullEveryMs: central.pullEverySeconds * 1000,
    hooks: { tariffsChanged: o.tariffsChanged },
    onError: (what, err) =>
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, `sync ${what} failed`),
  });
  const link = startMqttLink({ engine, random: o.random, logger, pullHint: sync.pullHint });
  logger.info({ central: central.url, keyId: central.keyId, mqtt: link !== null }, 'sync started');
  return {
    link,
    sync,
    async stop() {
      await link?.stop();
      await sync.stop();
    },
  };
}
