/** The part of a commander `Command` that `runCli` needs. */
export interface CliProgram {
  name(): string;
  parseAsync(argv: readonly string[]): Promise<unknown>;
}

/**
 * Runs a CLI program (built with commander's `exitOverride()`) and turns its outcome into an
 * exit code: 0 ok (and help/version), 2 bad input (a commander usage error, or an Error with
 * `exitCode: 2`), an Error's own `exitCode`, else 1. Messages go to `writeErr`.
 *
 * @example
 * await runCli(program, ['node', 'gridbill-edge', 'bogus'], write) // → 2 (commander printed why)
 * await runCli(program, argv, write) // action threw Object.assign(new Error('bad file'),
 * //   { exitCode: 2 }) → 2, write('gridbill-edge: bad file\n')
 */
export async function runCli(
  program: CliProgram,
  argv: readonly string[],
  writeErr: (text: string) => void,
): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
    }
    writeErr(`${program.name()}: ${err instanceof Error ? err.message : String(err)}\n`);
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' ? exitCode : 1;
  }
}
