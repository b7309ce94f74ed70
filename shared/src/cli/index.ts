export { type CliProgram, runCli } from './run-cli.js';
