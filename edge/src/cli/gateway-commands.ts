import type { Command } from 'commander';

/** Gateway daemon commands (`run`, `status`, `relay`, `token`, `probe modbus`). */
export function registerGatewayCommands(program: Command, _probe: Command): void {
  program
    .command('version')
    .description('print the gateway version')
    .action(() => {
      process.stdout.write('gridbill-edge 0.1.0\n');
    });
}
