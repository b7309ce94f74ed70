import { randomBytes, randomUUID } from 'node:crypto';
import { createSystemClock } from '@gridbill/shared/clock';
import type { Command } from 'commander';
import { loadConfigFile } from '../config/index.js';
import { createGatewayLogger } from '../gateway/gateway-logger.js';
import { createScaledClock } from '../gateway/scaled-clock.js';
import { startGateway } from '../gateway/start-gateway.js';
import { badInput } from './local-api.js';

interface RunOptions {
  config: string;
  pollEvery?: string;
  port?: string;
  timeSpeed?: string;
  startTime?: string;
}

/** `gridbill-edge run --config FILE`: the gateway daemon (stops on SIGINT/SIGTERM). */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the gateway daemon')
    .requiredOption('--config <file>', 'gateway configuration (JSON or YAML)')
    .option(
      '--poll-every <seconds>',
      'poll all meters every N seconds instead of the cron schedules',
    )
    .option('--port <port>', 'override the local API port (0 = any free port)')
    .option('--time-speed <n>', 'demo/test only: run time N times faster (with the simulator)')
    .option('--start-time <iso>', 'demo/test only: wall time to start from (with --time-speed)')
    .action(async (o: RunOptions) => {
      const config = loadConfigFile(o.config);
      if (o.port !== undefined) config.http.port = wholeNumber('--port', o.port, 0, 65_535);
      const pollEverySeconds =
        o.pollEvery === undefined ? undefined : wholeNumber('--poll-every', o.pollEvery, 1, 86_400);
      // a full log disk (ENOSPC) drops log lines instead of ending the process
      const { logger } = createGatewayLogger({ name: 'gridbill-edge' });
      const gw = await startGateway({
        config,
        clock: clockFor(o),
        // sync requests are stamped with host time: central checks it against its own clock
        requestClock: createSystemClock(),
        logger,
        newId: randomUUID,
        random: (n) => randomBytes(n),
        schedules: pollEverySeconds === undefined,
        ...(pollEverySeconds === undefined ? {} : { pollEveryMs: pollEverySeconds * 1000 }),
      });
      process.stdout.write(`gridbill-edge: listening on http://${config.http.host}:${gw.port}/\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      logger.info('stopping');
      // every transaction is already committed; do not let a hung socket block shutdown
      setTimeout(() => process.exit(0), 5_000).unref();
      await gw.stop();
    });
}

function clockFor(o: RunOptions) {
  const system = createSystemClock();
  if (o.timeSpeed === undefined) return system;
  const speed = wholeNumber('--time-speed', o.timeSpeed, 1, 100_000);
  const startMs = o.startTime === undefined ? system.wallMs() : Date.parse(o.startTime);
  if (Number.isNaN(startMs)) throw badInput(`--start-time is not an ISO time: "${o.startTime}"`);
  return createScaledClock(system, startMs, speed);
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number.parseInt(text, 10);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw badInput(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}
