import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Clock } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import { createControlApp } from '../control/control-app.js';
import { createSimMetrics } from '../control/metrics.js';
import { buildMeters } from '../fleet/build-meters.js';
import type { FleetFile } from '../fleet/fleet-schema.js';
import { SimClock } from '../meter/sim-clock.js';
import { Simulator } from '../sim/simulator.js';
import { type Endpoint, startTransports } from './start-transports.js';

export interface RunningFleet {
  sim: Simulator;
  controlPort: number;
  endpoints: Endpoint[];
  close(): Promise<void>;
}

export interface StartOptions {
  fleet: FleetFile;
  /** Real time source (the CLI passes createSystemClock()). */
  baseClock: Clock;
  logger: Logger;
  /** Overrides the fleet file's speed. */
  speed?: number;
  /** Control HTTP port; 0 picks a free one. */
  controlPort: number;
  host?: string;
}

/** Starts a fleet: meters, Modbus/DLMS endpoints and the control port. */
export async function startFleet(options: StartOptions): Promise<RunningFleet> {
  const { fleet, baseClock, logger } = options;
  const startMs = fleet.startTime ? Date.parse(fleet.startTime) : baseClock.wallMs();
  const clock = new SimClock(baseClock, { startMs, speed: options.speed ?? fleet.speed });
  const sim = new Simulator(buildMeters(fleet), clock, (fields, msg) => logger.info(fields, msg));
  const metrics = createSimMetrics(sim);
  const host = options.host ?? '127.0.0.1';
  const closers: (() => Promise<void>)[] = [];
  const endpoints: Endpoint[] = [];
  const ctx = { sim, timers: baseClock, metrics, logger, host, closers, endpoints };
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    await startTransports(ctx);
    const app = createControlApp(sim, metrics);
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: options.controlPort, hostname: host }, () =>
        resolve(s),
      );
      s.once('error', reject);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    );
    const controlPort = (server.address() as AddressInfo).port;
    logger.info({ controlPort, meters: sim.list().length }, 'simulator control port listening');
    return { sim, controlPort, endpoints, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
