import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.js';

/** Builds the `gridbill-sim` program; subcommands come from `commands.ts`. */
export function buildProgram(): Command {
  const program = new Command('gridbill-sim')
    .description('Gridbill hardware simulator: virtual DLMS/COSEM and Modbus meters')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 runtime error, 2 bad input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
      return ok ? 0 : 2;
    }
    process.stderr.write(`gridbill-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    return typeof (err as { exitCode?: unknown }).exitCode === 'number'
      ? (err as { exitCode: number }).exitCode
      : 1;
  }
}
