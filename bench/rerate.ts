/**
 * Re-rating benchmark (not a test): a gateway with METERS prepaid meters, DAYS days of
 * 15-minute edge charges each (monthly ladder tariff, central versions equal to the edge's),
 * reconciled for its last day by `reconcileGateway` (which replays each meter from its first
 * charge, saving month checkpoints), then again from the checkpoints. Raw limit measured in
 * the same run: reading the same rows with one bare SELECT plus the kernel's incremental
 * `step` over them. Run: `npx tsx bench/rerate.ts` (env METERS, DAYS). Prints a Markdown
 * section for bench/RESULTS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeChargeDay } from '@gridbill/shared/sync';
import { type Kysely, sql } from 'kysely';
import { createCommitter } from '../central/src/store/committer.js';
import { migrate, openStore } from '../central/src/store/index.js';
import { storeChargesOnce } from '../central/src/sync/charge-days.js';
import { migrateSync, syncDb } from '../central/src/sync/index.js';
import { reconcileGateway } from '../central/src/sync/rerate/reconcile-gateway.js';
import { replayMeter } from '../central/src/sync/rerate/replay-meter.js';
import {
  compileTariff,
  createIncrementalRater,
  parseTariffVersion,
} from '../shared/src/tariff/index.js';
import { addDays, localMidnightUtcMs } from '../shared/src/time/index.js';
import { accountIdOf, meterIdOf, seedGateway } from './central-seed.js';

const METERS = Number.parseInt(process.env.METERS ?? '50', 10);
const DAYS = Number.parseInt(process.env.DAYS ?? '90', 10);
const ZONE = 'Africa/Nairobi';
const FIRST = '2026-08-01';
const STEP = 900_000;

const version = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'res',
  versionId: 'res-1',
  effectiveFrom: '2026-01-01',
  timeZone: ZONE,
  currency: 'KES',
  rounding: 'half-up',
  periods: ['all'],
  components: [
    {
      kind: 'energy',
      id: 'energy',
      description: 'Energy, monthly ladder',
      rates: { '*': '21.5' },
      tiers: { scope: 'month', limitsKwh: ['50'], allocation: 'chronological', adders: ['0', '4'] },
    },
  ],
});
const versions = compileTariff([version]);
const startMs = localMidnightUtcMs(FIRST, ZONE);
const whOf = (m: number, i: number) => 20 + ((i * 53 + m * 17) % 300);

async function seed(store: Awaited<ReturnType<typeof openStore>>) {
  const db = syncDb(store.db);
  await seedGateway(store, 'gw-b', METERS);
  await db
    .insertInto('tariffs')
    .values({ id: 'res', name: 'res', currency: 'KES', created_at_ms: 0n })
    .execute();
  await db
    .insertInto('tariff_versions')
    .values({
      id: 'res-1',
      tariff_id: 'res',
      effective_from_ms: BigInt(versions[0]!.fromMs),
      document: JSON.stringify(version),
      document_sha256: '-',
      key_id: '-',
      signature: '-',
      created_at_ms: 0n,
    })
    .execute();
  await db.updateTable('accounts').set({ tariff_id: 'res' }).execute();
  const n = DAYS * 96;
  for (let m = 0; m < METERS; m++) {
    const meterId = meterIdOf(m);
    const intervals = Array.from({ length: n }, (_, i) => ({
      startMs: startMs + i * STEP,
      energyWh: whOf(m, i),
    }));
    const rated = replayMeter(versions, meterId, 900, intervals);
    const charges = rated.map((r, i) => ({
      meterId,
      accountId: accountIdOf(m),
      startMs: r.startMs,
      seconds: 900,
      energyWh: intervals[i]!.energyWh,
      amountMinor: r.amountMinor,
      currency: 'KES',
      tariffVersionId: 'res-1',
      priceSource: 'tariff' as const,
    }));
    await db.transaction().execute(async (trx) => {
      await storeChargesOnce(trx as unknown as Kysely<unknown>, 'gw-b', charges);
    });
  }
}

/** The kernel alone: every interval stepped through one open period (no month closes). */
function rawStepSeconds(): number {
  const endMs = startMs + (DAYS + 1) * 86_400_000;
  const t0 = performance.now();
  for (let m = 0; m < METERS; m++) {
    const driver = createIncrementalRater({
      versions,
      meterId: meterIdOf(m),
      intervalSeconds: 900,
    });
    const state = driver.open(startMs, endMs);
    for (let i = 0; i < DAYS * 96; i++) driver.step(state, startMs + i * STEP, whOf(m, i));
  }
  return (performance.now() - t0) / 1000;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-rerate-'));
  const store = await openStore({ dataDir: dir });
  try {
    await migrate(store);
    await migrateSync(store);
    await seed(store);
    const total = METERS * DAYS * 96;
    const lastDay = addDays(FIRST, DAYS - 1);
    const committer = createCommitter(store.db);
    const deps = { reader: store.reader, committer, nowMs: Date.UTC(2027, 0, 1) };
    const t0 = performance.now();
    const run = await reconcileGateway(deps, {
      gatewayId: 'gw-b',
      fromDay: lastDay,
      toDay: lastDay,
    });
    const reconcileS = (performance.now() - t0) / 1000;
    if (run.adjustmentsPosted !== 0 || run.accountDays !== METERS) {
      throw new Error(`unexpected run ${JSON.stringify(run, (_k, v) => String(v))}`);
    }
    const t2 = performance.now();
    const again = await reconcileGateway(deps, {
      gatewayId: 'gw-b',
      fromDay: lastDay,
      toDay: lastDay,
    });
    const resumedS = (performance.now() - t2) / 1000;
    if (again.adjustmentsPosted !== 0) throw new Error('second run posted');
    const t1 = performance.now();
    const rows = await sql`select * from edge_charge_days where gateway_id = 'gw-b'`.execute(
      store.reader,
    );
    let stored = 0;
    for (const r of rows.rows as { day_start_ms: bigint; packed: Uint8Array }[])
      stored += decodeChargeDay(Number(r.day_start_ms), new Uint8Array(r.packed)).length;
    const readS = (performance.now() - t1) / 1000;
    if (stored !== total) throw new Error('charge count');
    const stepS = rawStepSeconds();
    const rate = total / reconcileS;
    const raw = total / (readS + stepS);
    process.stdout.write(
      [
        '## Re-rating (bench/rerate.ts)',
        '',
        `Machine: 2 cores, Node ${process.version}, SQLite. ${METERS} meters × ${DAYS} days × 96`,
        `= ${total} edge charges; the first reconcile of the last day replays every meter from its`,
        'first charge and saves month checkpoints; the second starts from them.',
        '',
        '| figure | value |',
        '|---|---:|',
        `| reconcileGateway, 1 day, full replay | ${reconcileS.toFixed(2)} s |`,
        `| replayed | ${Math.round(rate)} intervals/s |`,
        `| same day again, from the month checkpoints | ${resumedS.toFixed(2)} s |`,
        `| raw: bare SELECT of the rows | ${readS.toFixed(2)} s |`,
        `| raw: kernel step over the rows | ${stepS.toFixed(2)} s |`,
        `| raw limit (SELECT + step) | ${Math.round(raw)} intervals/s |`,
        `| ratio reconcile / raw | ${(rate / raw).toFixed(2)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
