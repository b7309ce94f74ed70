import type { Command } from 'commander';
import { rateTariff } from '../tariff-sim/index.js';

/** `tariff rate ...`: the tariff simulator (a contract other tools rely on). */
export function registerTariffCommands(tariff: Command): void {
  tariff
    .command('rate')
    .description('rate a usage file under a tariff (native JSON or OpenEI URDB JSON)')
    .requiredOption('--tariff <file>', 'tariff JSON: native gridbill-tariff/v1 or URDB rate')
    .requiredOption('--usage <file>', 'CSV "start,kwh" or, with --hourly-8760, 8760 hourly kWh')
    .requiredOption('--from <date>', 'first local date billed (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'first local date not billed (YYYY-MM-DD, exclusive)')
    .option('--period <kind>', 'bill periods: month or whole', 'month')
    .option('--tz <zone>', 'IANA zone for dates (default: the tariff zone; URDB: UTC)')
    .option('--hourly-8760', 'usage is 8760 hourly kWh values starting at --from')
    .option('--json', 'print JSON (amounts as decimal strings in major units)')
    .action((options: Record<string, unknown>) => {
      const text = rateTariff({
        tariff: String(options.tariff),
        usage: String(options.usage),
        from: String(options.from),
        to: String(options.to),
        period: String(options.period),
        ...(typeof options.tz === 'string' ? { tz: options.tz } : {}),
        hourly8760: options.hourly8760 === true,
        json: options.json === true,
      });
      process.stdout.write(text);
    });
}
