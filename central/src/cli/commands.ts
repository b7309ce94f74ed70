import type { Command } from 'commander';
import { registerCoreCommands } from './core-commands.js';
import { registerTariffCommands } from './tariff-commands.js';
import { registerReconcileCommands } from '../sync/rerate/reconcile-cli.js';

/** Registers the central server's subcommands; each feature owns one registration module. */
export function registerCommands(program: Command): void {
  const tariff = program.command('tariff').description('tariff import and the tariff simulator');
  registerTariffCommands(tariff);
  registerCoreCommands(program, tariff);
  const sync = program.command('sync').description('edge ↔ central sync: re-rating');
  registerReconcileCommands(sync);
}
