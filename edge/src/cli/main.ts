import { runCli } from '@gridbill/shared/cli';
import { Command } from 'commander';
import { registerCommands } from './commands.js';

/** Builds the `gridbill-edge` program; subcommands come from `commands.ts`. */
export function buildProgram(): Command {
  const program = new Command('gridbill-edge')
    .description('Gridbill edge gateway: poll meters, rate, enforce credit offline')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 runtime error, 2 bad input). */
export function main(argv: string[]): Promise<number> {
  return runCli(buildProgram(), argv, (text) => process.stderr.write(text));
}
