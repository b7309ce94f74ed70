import type { Clock } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import type { Engine } from '../engine/index.js';
import { attachSync, loadSyncKey } from '../sync/attach-sync.js';

/**
 * Starts edge ↔ central sync when the configuration names central and a signing key
 * (`central: { url, signingKeyFile, keyId }`); without them the gateway runs standalone.
 * Sync failures are logged and retried with back-off; polling, rating and enforcement never
 * wait for central.
 */
export function startSync(
  engine: Engine,
  random: (byteCount: number) => Uint8Array,
  requestClock: Pick<Clock, 'wallMs'>,
  logger: Logger,
): { stop(): Promise<void> } | null {
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
    random,
    requestClock,
    pullEveryMs: central.pullEverySeconds * 1000,
    onError: (what, err) =>
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, `sync ${what} failed`),
  });
  logger.info({ central: central.url, keyId: central.keyId }, 'sync started');
  return sync;
}
