import type { Command } from 'commander';
import { registerOperatorCommands } from './operator-commands.js';
import { registerProbeModbus } from './probe-modbus-command.js';
import { registerRunCommand } from './run-command.js';

/** Gateway daemon commands (`run`, `status`, `relay`, `token`, `probe modbus`). */
export function registerGatewayCommands(program: Command, probe: Command): void {
  program
    .command('version')
    .description('print the gateway version')
    .action(() => {
      process.stdout.write('gridbill-edge 0.1.0\n');
    });
  registerRunCommand(program);
  registerOperatorCommands(program);
  registerProbeModbus(probe);
}
