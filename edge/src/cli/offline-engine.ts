import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { contentId } from '@gridbill/shared/ids';
import pino from 'pino';
import type { GatewayConfig } from '../config/index.js';
import { Engine } from '../engine/index.js';
import { createTariffRater } from '../engine/tariff-rater.js';
import { clockTrust } from '../gateway/clock-trust.js';
import { loadTariffs } from '../gateway/load-tariffs.js';
import { storedTariffVersions } from '../gateway/tariff-store.js';
import { openDatabase } from '../store/index.js';

/**
 * Opens the gateway store directly (when the daemon is not running) for `status`,
 * `relay` and `token redeem`. Changes go through the same engine code and outbox.
 */
export function openOfflineEngine(config: GatewayConfig): {
  engine: Engine;
  incarnationId: string;
  close(): void;
} {
  const clock = createSystemClock();
  mkdirSync(config.dataDir, { recursive: true });
  const opened = openDatabase(join(config.dataDir, 'gateway.db'), {
    newIncarnationId: randomUUID,
    wallMs: clock.wallMs(),
  });
  const engine = new Engine({
    db: opened.db,
    config,
    clock,
    clockTrusted: clockTrust(config.clockTrust, clock),
    contentId,
    newId: randomUUID,
    rater: createTariffRater(
      loadTariffs(config.tariffFiles, config.siteTimeZone, storedTariffVersions(opened.db)),
    ),
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  return { engine, incarnationId: opened.incarnationId, close: () => opened.db.close() };
}
