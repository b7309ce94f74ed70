import type { Command } from 'commander';
import { registerRunCommand } from './run-command.js';
import { registerValidateCommand } from './validate-command.js';

/** Registers the simulator's subcommands. */
export function registerCommands(program: Command): void {
  program
    .command('version')
    .description('print the simulator version')
    .action(() => {
      process.stdout.write('gridbill-sim 0.1.0\n');
    });
  registerRunCommand(program);
  registerValidateCommand(program);
}
