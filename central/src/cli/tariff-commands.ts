import type { Command } from 'commander';

/** `tariff rate ...`: the tariff simulator, filled in by the tariff engine. */
export function registerTariffCommands(_tariff: Command): void {}
