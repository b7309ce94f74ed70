import type { Command } from 'commander';
import { registerGatewayCommands } from './gateway-commands.js';
import { registerProbeDlms } from './probe-dlms-command.js';

/** Registers the gateway's subcommands; each feature owns one registration module. */
export function registerCommands(program: Command): void {
  const probe = program.command('probe').description('talk to one meter directly (technicians)');
  registerProbeDlms(probe);
  registerGatewayCommands(program, probe);
}
