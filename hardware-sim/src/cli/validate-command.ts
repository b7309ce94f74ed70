import type { Command } from 'commander';
import { loadFleetFile } from '../fleet/fleet-file.js';

/** `gridbill-sim validate --fleet FILE`: checks a fleet file without starting anything. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a fleet file and print a summary')
    .requiredOption('--fleet <file>', 'fleet file (JSON or YAML)')
    .action((o: { fleet: string }) => {
      const fleet = loadFleetFile(o.fleet);
      const modbus = fleet.meters.filter((m) => m.protocol === 'modbus').length;
      process.stdout.write(
        `${o.fleet}: ok, ${fleet.meters.length} meters (${modbus} modbus, ` +
          `${fleet.meters.length - modbus} dlms)\n`,
      );
    });
}
