/**
 * Central upstream ingest throughput (interval readings/s) on SQLite and PostgreSQL, with the
 * raw insert rate of the same rows into a plain table measured in the same run as the limit.
 * The ingest path is everything after HTTP: JSON.parse, schema parse (zod envelope + the
 * block's linear column check), classification, one content hash per block, ownership, packed
 * meter-channel-day merge, charges packed per meter-day (`edge_charge_days`), ONE ledger entry
 * per request (a posting per account), one `edge_facts` row per block (its register reads),
 * applied-event and hash rows, watermark. Input: what the gateway sends — one interval block
 * per 1,000-meter poll cycle (1,000 rated intervals + 1,000 register reads), requests cut as
 * the upstream sender cuts them (at most 2,000 events and 4 MiB of event bodies).
 * Prints wall rate, CPU µs per reading (this process; on PostgreSQL also the server backends
 * of this run, from /proc), the raw insert rate and the ratio.
 *
 *   npx tsx bench/ingest.ts [--pg postgres://…] [--readings 480000] [--unrated] [--no-raw]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { createContext } from '../central/src/app/create-context.js';
import { migrate, openStore, type Store } from '../central/src/store/index.js';
import { type BulkValue, bulkInsert } from '../central/src/sync/bulk-insert.js';
import { countEdgeCharges, ingestBatch, migrateSync, syncDb } from '../central/src/sync/index.js';
import { seedGateway } from './central-seed.js';
import { procCpuMs } from './central-process.js';
import { buildBlocks, checkReceivables } from './edge-blocks.js';

const { values } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.GRIDBILL_TEST_PG },
    readings: { type: 'string', default: '480000' },
    /** Blocks without charges (interval data only, like the per-fact bench before blocks). */
    unrated: { type: 'boolean', default: false },
    /** Skip the raw insert measure (for `--cpu-prof` of the ingest alone). */
    'no-raw': { type: 'boolean', default: false },
    /** Write a CPU profile of the measured ingest loop only (SQLite run) to this file. */
    profile: { type: 'string' },
  },
});
const READINGS = Number(values.readings);
const METERS = 1000;
/** Rows per raw-insert transaction. */
const BATCH = 5000;
/** The upstream sender's limits (`edge/src/sync/upstream-sender.ts`). */
const BATCH_EVENTS = 2000;
const MAX_BODY_CHARS = 4 * 1024 * 1024;
const DAY0 = Date.UTC(2026, 9, 1);
const INC = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172';
const clock = createSystemClock();

/**
 * Signed-batch bodies as the gateway sends them: one interval block per poll cycle of METERS
 * meters, as many per request as the sender puts in one (≤ 2,000 events, ≤ 4 MiB of bodies).
 */
function batchTexts(): string[] {
  const blocks = buildBlocks('gw-bench', METERS, DAY0, 0, READINGS, !values.unrated, METERS);
  const texts: string[] = [];
  let b = 0;
  while (b < blocks.length) {
    const events = [];
    let chars = 0;
    for (; b < blocks.length && events.length < BATCH_EVENTS; b += 1) {
      const block = blocks[b]!;
      const size = JSON.stringify(block.body).length;
      if (events.length > 0 && chars + size > MAX_BODY_CHARS) break;
      chars += size;
      events.push({
        seq: b + 1,
        eventId: block.eventId,
        occurredAtMs: block.occurredAtMs,
        clockTrusted: true,
        kind: 'interval-block',
        body: block.body,
      });
    }
    texts.push(
      JSON.stringify({
        v: 1,
        gatewayId: 'gw-bench',
        incarnation: INC,
        fromSeq: events[0]!.seq,
        headSeq: blocks.length,
        sentAtMs: DAY0,
        events,
      }),
    );
  }
  return texts;
}

/**
 * The limit: the same number of (meter, start, Wh) rows into a plain table keyed (start, meter)
 * — arrival order, as `performance.md` measured it — 5,000 rows per transaction, as raw SQL
 * without a query builder (SQLite: 400-row multi-row inserts; PostgreSQL: one
 * `insert … select * from unnest(…)` per transaction).
 */
async function rawRate(store: Store): Promise<number> {
  await sql`create table bench_raw (meter_id text not null, start_ms bigint not null,
    wh bigint not null, primary key (start_ms, meter_id))`.execute(store.db);
  const pg = store.backend === 'postgres';
  const start = clock.monoMs();
  for (let from = 0; from < READINGS; from += BATCH) {
    const end = Math.min(from + BATCH, READINGS);
    const rows: BulkValue[][] = [];
    for (let k = from; k < end; k += 1)
      rows.push([
        `m-${k % METERS}`,
        BigInt(DAY0 + Math.floor(k / METERS) * 900_000),
        BigInt(k % 50),
      ]);
    await store.db.transaction().execute(async (trx) => {
      const raw = trx as unknown as Kysely<unknown>;
      if (pg) {
        const columns = [0, 1, 2].map((c) => rows.map((r) => r[c]));
        const text =
          'insert into bench_raw (meter_id, start_ms, wh) ' +
          'select * from unnest($1::text[], $2::int8[], $3::int8[])';
        await raw.executeQuery(CompiledQuery.raw(text, columns));
      } else {
        for (let i = 0; i < rows.length; i += 400)
          await bulkInsert(
            raw,
            'bench_raw',
            ['meter_id', 'start_ms', 'wh'],
            rows.slice(i, i + 400),
          );
      }
    });
  }
  return READINGS / ((clock.monoMs() - start) / 1000);
}

/** Every reading stored once: one packed charge each, and the expected packed day rows. */
async function checkStored(store: Store, requests: number) {
  const db = syncDb(store.db);
  await checkLedger(store, requests);
  const charges = await countEdgeCharges(db);
  if (charges !== (values.unrated ? 0 : READINGS))
    throw new Error(`${charges} charges, expected ${READINGS}`);
  const count = async (table: 'edge_charge_days' | 'interval_days') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return String(row.n);
  };
  const expectDays = METERS * Math.ceil(READINGS / METERS / 96);
  const days = await count('interval_days');
  if (days !== String(expectDays)) throw new Error(`${days} day rows, expected ${expectDays}`);
  const chargeDays = await count('edge_charge_days');
  const expectChargeDays = values.unrated ? 0 : expectDays;
  if (chargeDays !== String(expectChargeDays))
    throw new Error(`${chargeDays} charge day rows, expected ${expectChargeDays}`);
}

/**
 * ONE charge entry per request (rated), and the receivables summing to every reading's amount
 * (`minorOf` in edge-blocks.ts: 2 + k mod 5 minor units).
 */
async function checkLedger(store: Store, requests: number) {
  const entries = await store.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('kind', '=', 'charge')
    .executeTakeFirstOrThrow();
  const expectEntries = values.unrated ? 0 : requests;
  if (String(entries.n) !== String(expectEntries))
    throw new Error(`${entries.n} charge entries, expected ${expectEntries}`);
  await checkReceivables(store, values.unrated ? 0 : READINGS);
}

/** CPU seconds (user + system) of processes by pid, from /proc (0 for a pid gone). */
function procCpuSeconds(pids: readonly number[]): number {
  let ms = 0;
  for (const pid of pids) {
    try {
      ms += procCpuMs(pid);
    } catch {
      // the backend ended: its CPU is not counted
    }
  }
  return ms / 1000;
}

/** PostgreSQL backends of this process's pool (by application_name). */
async function backendPids(store: Store, app: string): Promise<number[]> {
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity
    where application_name = ${app}`.execute(store.db);
  return rows.rows.map((r) => Number(r.pid));
}

/** Profiles until `stop()`, which writes the `.cpuprofile` to `--profile`. */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(String(values.profile), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function run(name: string, store: Store, app?: string) {
  await migrate(store);
  await migrateSync(store);
  await seedGateway(store, 'gw-bench', METERS);
  const ctx = createContext({
    store,
    clock,
    random: createSeededRandom('bench'),
    tokenKey: tokenKeyPairFromSeed('k', new Uint8Array(32).fill(1)),
  });
  const texts = batchTexts();
  const pids = app ? await backendPids(store, app) : [];
  const serverCpu0 = procCpuSeconds(pids);
  const profiler = values.profile && name === 'sqlite' ? await startProfile() : null;
  const cpu0 = process.cpuUsage();
  const start = clock.monoMs();
  let acked = 0;
  for (const text of texts) {
    const result = await ingestBatch(ctx.committer, 'gw-bench', JSON.parse(text), clock.wallMs());
    if (result.quarantined > 0) throw new Error(`quarantined: ${JSON.stringify(result.ack)}`);
    acked = result.ack.ackedThroughSeq;
  }
  const seconds = (clock.monoMs() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (profiler) await profiler.stop();
  const allPids = app ? [...new Set([...pids, ...(await backendPids(store, app))])] : [];
  const serverCpu = procCpuSeconds(allPids) - serverCpu0;
  const blocks = Math.ceil(READINGS / METERS);
  if (acked !== blocks) throw new Error(`acked ${acked}, expected ${blocks}`);
  await checkStored(store, texts.length);
  const rate = READINGS / seconds;
  const raw = values['no-raw'] ? Number.NaN : await rawRate(store);
  const ratio = (rate / raw).toFixed(2);
  const cpuUs = ((cpu.user + cpu.system) / READINGS).toFixed(2);
  const serverUs = app ? ((serverCpu * 1e6) / READINGS).toFixed(2) : '-';
  const line =
    `| ${name} | ${READINGS} | ${texts.length} | ${Math.round(rate)} | ${cpuUs} | ` +
    `${serverUs} | ${Math.round(raw)} | ${ratio} |`;
  process.stdout.write(`${line}\n`);
  return line;
}

process.stdout.write(
  `ingest bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, ` +
    `${READINGS} readings, ${METERS} meters, one block per cycle, requests of ≤ ` +
    `${BATCH_EVENTS} events / 4 MiB, ` +
    `${values.unrated ? 'unrated (intervals + reads only)' : 'rated (charges + ledger)'}\n` +
    '| backend | readings | requests | ingest readings/s | CPU µs/reading | ' +
    'PG server CPU µs/reading | raw insert rows/s | ratio |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|\n',
);
const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-ingest-'));
try {
  const lite = await openStore({ dataDir: dir });
  await run('sqlite', lite);
  await lite.close();
  if (values.pg) {
    const schema = `bench_${process.pid}`;
    const app = `gridbill-bench-ingest-${process.pid}`;
    const url = new URL(values.pg);
    url.searchParams.set('application_name', app);
    const pgStore = await openStore({ db: url.toString(), pgSchema: schema });
    try {
      await run('postgres', pgStore, app);
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(pgStore.db);
      await pgStore.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
