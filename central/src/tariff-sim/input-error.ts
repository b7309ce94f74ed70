/** Bad CLI input: names the file, line and field; the CLI exits with status 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(file: string, line: number | undefined, field: string, why: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: field "${field}": ${why}`);
    this.name = 'InputError';
  }
}
