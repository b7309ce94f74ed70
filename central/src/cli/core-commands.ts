import type { Command } from 'commander';

/** Server and records commands (`serve`, `migrate`, `user add`, `gateway add`, `tariff import`). */
export function registerCoreCommands(program: Command, _tariff: Command): void {
  program
    .command('version')
    .description('print the central server version')
    .action(() => {
      process.stdout.write('gridbill-central 0.1.0\n');
    });
}
