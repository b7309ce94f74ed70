import { runCli } from '@gridbill/shared/cli';
import { Command } from 'commander';
import { registerCommands } from './commands.js';

/** Builds the `gridbill-central` program; subcommands come from `commands.ts`. */
export function buildProgram(): Command {
  const program = new Command('gridbill-central')
    .description('Gridbill central: tariffs, ledger, billing, payments, staff UI')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 runtime error, 2 bad input). */
export function main(argv: string[]): Promise<number> {
  return runCli(buildProgram(), argv, (text) => process.stderr.write(text));
}
