import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Clock } from '@gridbill/shared/clock';
import { contentId } from '@gridbill/shared/ids';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.js';
import { Engine, type IntervalRater, RelayJournalRunner } from '../engine/index.js';
import { Poller } from '../polling/poller.js';
import { invocationCounterStore, openDatabase } from '../store/index.js';
import { buildTargets, type Targets } from './build-targets.js';
import { clockTrust } from './clock-trust.js';
import { createHttpApp } from './http-app.js';
import { createLiveRater } from './live-rater.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { startSchedules } from './schedules.js';
import { type RunningSync, startSync } from './start-sync.js';
import { ensureInboxTables } from '../sync/inbox.js';
import { restoreSyncedAccounts } from '../sync/synced-accounts.js';
import type { StandingChargeSource } from '../engine/standing-charges.js';

export interface StartGatewayOptions {
  config: GatewayConfig;
  clock: Clock;
  /** Stamps sync requests (host time; differs from `clock` only under --time-speed). */
  requestClock?: Pick<Clock, 'wallMs'>;
  logger: Logger;
  /** Random ids (incarnation, relay commands). */
  newId: () => string;
  random: (byteCount: number) => Uint8Array;
  clockTrusted?: () => boolean;
  rater?: IntervalRater;
  /** Serve the local HTTP API (default true). */
  listen?: boolean;
  /** Run cron schedules; or poll on a fixed period instead (`pollEveryMs`). */
  schedules?: boolean;
  pollEveryMs?: number;
  /** Standing charges per tariff and day; default: from the tariff files and central's versions. */
  standingCharges?: StandingChargeSource;
}

export interface RunningGateway {
  engine: Engine;
  poller: Poller;
  runner: RelayJournalRunner;
  targets: Targets;
  metrics: GatewayMetrics;
  incarnationId: string;
  port: number | null;
  /** Sync and the MQTT link, when central is configured. */
  sync: RunningSync | null;
  stop(): Promise<void>;
}

/**
 * Starts the gateway: store (integrity check, migrations, WAL + FULL), engine state, meter
 * links, relay journal resumption, HTTP API and schedules.
 */
export async function startGateway(o: StartGatewayOptions): Promise<RunningGateway> {
  const { config, clock, logger } = o;
  mkdirSync(config.dataDir, { recursive: true });
  const opened = openDatabase(join(config.dataDir, 'gateway.db'), {
    newIncarnationId: o.newId,
    wallMs: clock.wallMs(),
    onIntegrityFailure: 'safe-mode', // a damaged store: keep reading meters, never disconnect
  });
  ensureInboxTables(opened.db);
  const live = o.rater
    ? null
    : createLiveRater(config.tariffFiles, config.siteTimeZone, opened.db, logger);
  const rater = o.rater ?? (live as IntervalRater);
  const engine = new Engine({
    db: opened.db,
    config,
    clock,
    clockTrusted: o.clockTrusted ?? clockTrust(config.clockTrust, clock),
    contentId,
    newId: o.newId,
    rater,
    logger,
  });
  restoreSyncedAccounts(engine);
  const targets = buildTargets(config, {
    clock,
    random: o.random,
    logger,
    counterStore: (meterId) => invocationCounterStore(opened.db, meterId),
  });
  let runner: RelayJournalRunner | undefined;
  const poller = new Poller(engine, targets.targets, () => runner?.kick());
  runner = new RelayJournalRunner(engine, poller.relayDriver());
  runner.resume();
  const metrics = createMetrics(engine, poller, targets.queues);
  const http =
    o.listen === false ? null : await listen(engine, runner, metrics, opened.incarnationId);
  const standingCharges = o.standingCharges ?? live?.standingCharges;
  const schedules = startSchedules({ ...o, engine, poller, runner, metrics, standingCharges });
  const sync = startSync(engine, {
    random: o.random,
    requestClock: o.requestClock ?? clock,
    logger,
    tariffsChanged: () => live?.reload(),
  });
  logger.info(
    { gatewayId: config.gatewayId, incarnationId: opened.incarnationId, port: http?.port },
    'gateway started',
  );
  return {
    engine,
    poller,
    runner,
    targets,
    metrics,
    incarnationId: opened.incarnationId,
    port: http?.port ?? null,
    sync,
    stop: async () => {
      schedules.stop();
      await sync?.stop();
      runner.stop();
      await http?.close();
      await targets.close();
      opened.db.close();
    },
  };
}

async function listen(
  engine: Engine,
  runner: RelayJournalRunner,
  metrics: GatewayMetrics,
  incarnationId: string,
) {
  const app = createHttpApp({ engine, runner, metrics, incarnationId });
  const { host, port } = engine.deps.config.http;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
