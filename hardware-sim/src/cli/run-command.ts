import { createSystemClock } from '@gridbill/shared/clock';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadFleetFile } from '../fleet/fleet-file.js';
import type { FleetFile } from '../fleet/fleet-schema.js';
import { quickFleet } from '../fleet/quick-fleet.js';
import { startFleet } from '../runner/start-fleet.js';

interface RunOptions {
  fleet?: string;
  meters?: string;
  modbusPort?: string;
  dlmsPort?: string;
  speed?: string;
  seed?: string;
  controlPort: string;
  host: string;
}

function badInput(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 });
}

/** Parses a whole number option in [min, max], naming the option when it is not one. */
function intOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw badInput(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

function speedOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n > 1_000_000) {
    throw badInput(`--speed must be a number from 0 to 1000000, got "${text}"`);
  }
  return n;
}

/** The fleet from --fleet FILE or quick mode (--meters N with --modbus-port/--dlms-port). */
function fleetFromOptions(o: RunOptions): FleetFile {
  if (o.fleet && o.meters) throw badInput('use either --fleet FILE or --meters N, not both');
  if (o.fleet) return loadFleetFile(o.fleet);
  if (!o.meters) throw badInput('give --fleet FILE, or --meters N with --modbus-port/--dlms-port');
  return quickFleet({
    meters: intOption('--meters', o.meters, 1, 100_000),
    modbusPort:
      o.modbusPort === undefined ? undefined : intOption('--modbus-port', o.modbusPort, 0, 65535),
    dlmsPort: o.dlmsPort === undefined ? undefined : intOption('--dlms-port', o.dlmsPort, 0, 65535),
    seed: o.seed,
  });
}

async function run(o: RunOptions): Promise<void> {
  const fleet = fleetFromOptions(o);
  const logger = pino({ name: 'gridbill-sim' });
  const running = await startFleet({
    fleet,
    baseClock: createSystemClock(),
    logger,
    speed: speedOption(o.speed),
    controlPort: intOption('--control-port', o.controlPort, 0, 65535),
    host: o.host,
  });
  process.stdout.write(
    `gridbill-sim: ${running.sim.list().length} meters; ` +
      `panel http://${o.host}:${running.controlPort}/\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('stopping');
  await running.close();
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a virtual meter fleet (Modbus TCP/RTU, DLMS) with a control API and panel')
    .option('--fleet <file>', 'fleet file (JSON or YAML)')
    .option('--meters <n>', 'quick mode: number of meters')
    .option('--modbus-port <port>', 'quick mode: first Modbus TCP port (247 unit ids per port)')
    .option('--dlms-port <port>', 'quick mode: DLMS wrapper port (every second meter)')
    .option('--seed <seed>', 'quick mode: seed for load noise', '1')
    .option('--speed <n>', 'simulated seconds per real second (0 = frozen)')
    .option('--control-port <port>', 'control API and panel port', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(run);
}
