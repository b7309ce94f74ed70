import type { Command } from 'commander';
import { badInput, type StoreFlags, storeOptions, withRuntime } from '../../cli/core-commands.js';
import { jsonText } from '../../api/respond.js';
import { moneyText } from '../../ui/money-text.js';
import { REASONS } from './classify.js';
import { reconcileGateway } from './reconcile-gateway.js';
import type { GatewayDayReport } from './reconcile-report.js';
import { reportFor } from './reconcile-routes.js';

interface ReconcileFlags extends StoreFlags {
  gateway: string;
  from: string;
  to: string;
  json?: boolean;
}

/**
 * `sync reconcile --gateway GW --from DATE --to DATE [--json]`: re-rates the gateway's edge
 * charges on those local days, posts the adjustments and prints the report per day.
 */
export function registerReconcileCommands(sync: Command): void {
  storeOptions(
    sync
      .command('reconcile')
      .description("re-rate a gateway's edge charges, post adjustments, print the report")
      .requiredOption('--gateway <id>', 'gateway id')
      .requiredOption('--from <date>', 'first local date (YYYY-MM-DD)')
      .requiredOption('--to <date>', 'last local date (YYYY-MM-DD, inclusive)')
      .option('--json', 'print JSON (money as decimal strings in minor units)'),
  ).action(async (flags: ReconcileFlags) => {
    await withRuntime(flags, async ({ ctx }) => {
      const range = { gatewayId: flags.gateway, fromDay: flags.from, toDay: flags.to };
      // validates the range and the gateway (exit 2) before any write
      await reportFor(ctx, range.gatewayId, range.fromDay, range.toDay);
      let run: Awaited<ReturnType<typeof reconcileGateway>>;
      try {
        const deps = { reader: ctx.store.reader, committer: ctx.committer };
        run = await reconcileGateway({ ...deps, nowMs: ctx.clock.wallMs() }, range);
      } catch (err) {
        if (err instanceof RangeError) throw badInput(err.message);
        throw err;
      }
      const report = await reportFor(ctx, range.gatewayId, range.fromDay, range.toDay);
      const out = { ...range, run, days: report };
      process.stdout.write(flags.json ? `${jsonText(out)}\n` : reportText(run, report));
    });
  });
}

function reportText(
  run: Awaited<ReturnType<typeof reconcileGateway>>,
  days: readonly GatewayDayReport[],
): string {
  const lines = [
    `${run.gatewayId}: ${run.accountDays} account-days, ${run.adjustmentsPosted} adjustments ` +
      `posted now, ${run.intervalsDiffering} intervals differ`,
    ...run.skipped.map((s) => `skipped ${s.accountId}: ${s.why}`),
    `day         edge              central           adjustments       intervals differing`,
  ];
  for (const d of days) {
    const money = (m: bigint) => moneyText(m, d.currency).padEnd(18);
    const reasons = REASONS.filter((r) => d.reasons[r] > 0).map((r) => `${r} ${d.reasons[r]}`);
    lines.push(
      `${d.day}  ${money(d.edgeTotalMinor)}${money(d.centralTotalMinor)}` +
        `${money(d.adjustmentsMinor)}${String(d.intervals).padEnd(10)}${d.intervalsDiffering}` +
        `${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
