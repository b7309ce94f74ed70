import { addDays, localParts } from '@gridbill/shared/time';
import type { AppContext } from '../../app/context.js';
import { edgeChargeGateways } from '../edge-charge-source.js';
import { syncDb } from '../sync-schema.js';
import { MAX_RANGE_DAYS, type ReconcileRange, reconcileGateway } from './reconcile-gateway.js';
import { reconcileDb } from './reconcile-schema.js';
import { splitRange, type Touch, touchedRanges } from './touched-days.js';

/** What one job run did (also its pino log line). */
export interface JobRun {
  ranges: number;
  chargeEntries: number;
  tariffVersions: number;
  accountDays: number;
  adjustmentsPosted: number;
  adjustedMinor: bigint;
  intervalsDiffering: number;
  skipped: number;
  /** the first few skip reasons (account without tariff, tariff that does not compile) */
  skippedWhy: string[];
}

export interface ReconcileJobOptions {
  intervalSeconds: number;
  /** Ledger charge entries looked at per run (bounded work; the rest wait for the next). */
  maxEntries?: number;
}

const CURSOR = 'serve';

/**
 * The serve job: every `intervalSeconds` (injected clock) reconciles the gateway-days that
 * new edge charge entries touched (ledger seq cursor) and, for each newly imported tariff
 * version, the gateways' days from its effective date (at most the last 92 days).
 * Logs one line per run; a failed run keeps the cursor, so the next retries it.
 * Example: after ingest of gw-1's charges for 2026-11-27 → next run reconciles
 *   gw-1 2026-11-26..2026-11-28 and logs { ranges: 1, adjustmentsPosted: 0, … }.
 */
export function startReconcileJob(ctx: AppContext, opts: ReconcileJobOptions) {
  let timer: unknown;
  let stopped = false;
  let running: Promise<JobRun | null> = Promise.resolve(null);
  const tick = () => {
    running = runReconcileOnce(ctx, opts.maxEntries ?? 5000).then(
      (run) => {
        ctx.logger.info({ ...run, adjustedMinor: run.adjustedMinor.toString() }, 'reconcile run');
        return run;
      },
      (err: unknown) => {
        ctx.logger.error({ err: (err as Error).message }, 'reconcile run failed');
        return null;
      },
    );
    void running.then(() => {
      if (!stopped) timer = ctx.clock.setTimeout(tick, opts.intervalSeconds * 1000);
    });
  };
  timer = ctx.clock.setTimeout(tick, opts.intervalSeconds * 1000);
  return {
    async stop(): Promise<void> {
      stopped = true;
      ctx.clock.clearTimeout(timer as never);
      await running;
    },
  };
}

/** One run: read the cursor, reconcile what changed since, advance the cursor. */
export async function runReconcileOnce(ctx: AppContext, maxEntries: number): Promise<JobRun> {
  const db = reconcileDb(ctx.store.reader);
  const cursor = (await db
    .selectFrom('reconcile_cursor')
    .selectAll()
    .where('name', '=', CURSOR)
    .executeTakeFirst()) ?? { name: CURSOR, ledger_seq: 0n, tariff_created_ms: 0n };
  const entries = await db
    .selectFrom('ledger_entries')
    .select(['seq', 'effective_at_ms', 'actor_id'])
    .where('kind', '=', 'charge')
    .where('seq', '>', BigInt(cursor.ledger_seq))
    .where('actor_id', 'like', 'gateway:%')
    .orderBy('seq')
    .limit(maxEntries)
    .execute();
  const touches: Touch[] = entries.map((e) => ({
    gatewayId: e.actor_id.slice('gateway:'.length),
    atMs: Number(e.effective_at_ms) - 1,
  }));
  const versions = await db
    .selectFrom('tariff_versions')
    .select(['effective_from_ms', 'created_at_ms'])
    .where('created_at_ms', '>', BigInt(cursor.tariff_created_ms))
    .execute();
  const nowMs = ctx.clock.wallMs();
  const ranges = [...touchedRanges(touches), ...(await versionRanges(ctx, versions, nowMs))];
  const run = await reconcileRanges(ctx, ranges, nowMs);
  run.chargeEntries = entries.length;
  run.tariffVersions = versions.length;
  const next = {
    ledger_seq: entries.length
      ? BigInt(entries[entries.length - 1]!.seq)
      : BigInt(cursor.ledger_seq),
    tariff_created_ms: versions.reduce(
      (m, v) => (BigInt(v.created_at_ms) > m ? BigInt(v.created_at_ms) : m),
      BigInt(cursor.tariff_created_ms),
    ),
  };
  await ctx.committer.run((trx) =>
    reconcileDb(trx)
      .insertInto('reconcile_cursor')
      .values({ name: CURSOR, ...next })
      .onConflict((oc) => oc.column('name').doUpdateSet(next))
      .execute(),
  );
  return run;
}

async function versionRanges(
  ctx: AppContext,
  versions: readonly { effective_from_ms: bigint }[],
  nowMs: number,
): Promise<ReconcileRange[]> {
  if (versions.length === 0) return [];
  const today = localParts(nowMs, 'UTC').dateKey;
  const oldest = addDays(today, 1 - MAX_RANGE_DAYS);
  const fromMs = Math.min(...versions.map((v) => Number(v.effective_from_ms)));
  let fromDay = addDays(localParts(fromMs, 'UTC').dateKey, -1);
  if (fromDay < oldest) fromDay = oldest;
  if (fromDay > today) return [];
  const gateways = await edgeChargeGateways(syncDb(ctx.store.reader), fromMs - 86_400_000, nowMs);
  return gateways.flatMap((gw) => splitRange(gw, fromDay, today));
}

async function reconcileRanges(
  ctx: AppContext,
  ranges: readonly ReconcileRange[],
  nowMs: number,
): Promise<JobRun> {
  const run: JobRun = {
    ranges: ranges.length,
    chargeEntries: 0,
    tariffVersions: 0,
    accountDays: 0,
    adjustmentsPosted: 0,
    adjustedMinor: 0n,
    intervalsDiffering: 0,
    skipped: 0,
    skippedWhy: [],
  };
  const deps = { reader: ctx.store.reader, committer: ctx.committer, nowMs };
  for (const range of ranges) {
    const r = await reconcileGateway(deps, range);
    run.accountDays += r.accountDays;
    run.adjustmentsPosted += r.adjustmentsPosted;
    run.adjustedMinor += r.adjustedMinor;
    run.intervalsDiffering += r.intervalsDiffering;
    run.skipped += r.skipped.length;
    for (const k of r.skipped) {
      if (run.skippedWhy.length < 5) run.skippedWhy.push(`${range.gatewayId}: ${k.why}`);
    }
  }
  return run;
}

/** `serve --reconcile-seconds N`: whole seconds, 0 = off; anything else is exit 2. */
export function reconcileSecondsOf(text: string): number {
  if (!/^\d{1,6}$/.test(text)) {
    throw Object.assign(new Error(`--reconcile-seconds ${text} is not a whole number`), {
      exitCode: 2,
    });
  }
  return Number.parseInt(text, 10);
}
