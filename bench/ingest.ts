/**
 * Central upstream ingest throughput (interval readings/s) on SQLite and PostgreSQL, with the
 * raw insert rate of the same rows into a plain table measured in the same run as the limit.
 * The ingest path is everything after HTTP: JSON.parse, schema parse (zod envelope + the
 * block's linear column check), classification, one content hash per block, ownership, packed
 * meter-channel-day merge, register reads and charges (multi-row), one ledger entry per block
 * (a posting per account), applied-event and hash rows, watermark. Input: what the gateway sends —
 * interval blocks of 5,000 rated intervals + 5,000 register reads, two blocks per request.
 *
 *   npx tsx bench/ingest.ts [--pg postgres://…] [--readings 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import { sql } from 'kysely';
import { createContext } from '../central/src/app/create-context.js';
import { migrate, openStore, type Store } from '../central/src/store/index.js';
import { ingestBatch, migrateSync, syncDb } from '../central/src/sync/index.js';
import { seedGateway } from './central-seed.js';
import { buildBlocks } from './edge-blocks.js';

const { values } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.GRIDBILL_TEST_PG },
    readings: { type: 'string', default: '200000' },
    /** Blocks without charges (interval data only, like the per-fact bench before blocks). */
    unrated: { type: 'boolean', default: false },
  },
});
const READINGS = Number(values.readings);
const METERS = 1000;
const BATCH = 5000;
/** Blocks (of 5,000 intervals) per request: 10,000 readings, ~1 MB of JSON. */
const BATCH_BLOCKS = 2;
const DAY0 = Date.UTC(2026, 9, 1);
const INC = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172';
const clock = createSystemClock();

/**
 * Signed-batch bodies as the gateway sends them: interval blocks (5,000 rated intervals and
 * 5,000 register reads each, built by the gateway's block builder), BATCH_BLOCKS per request.
 */
function batchTexts(): string[] {
  const blocks = buildBlocks('gw-bench', METERS, DAY0, 0, READINGS, !values.unrated);
  const texts: string[] = [];
  for (let b = 0; b < blocks.length; b += BATCH_BLOCKS) {
    const events = blocks.slice(b, b + BATCH_BLOCKS).map((block, i) => ({
      seq: b + i + 1,
      eventId: block.eventId,
      occurredAtMs: block.occurredAtMs,
      clockTrusted: true,
      kind: 'interval-block',
      body: block.body,
    }));
    texts.push(
      JSON.stringify({
        v: 1,
        gatewayId: 'gw-bench',
        incarnation: INC,
        fromSeq: b + 1,
        headSeq: blocks.length,
        sentAtMs: DAY0,
        events,
      }),
    );
  }
  return texts;
}

async function rawRate(store: Store): Promise<number> {
  await sql`create table bench_raw (meter_id text not null, start_ms bigint not null,
    wh bigint not null, primary key (meter_id, start_ms))`.execute(store.db);
  const start = clock.monoMs();
  for (let from = 0; from < READINGS; from += BATCH) {
    const end = Math.min(from + BATCH, READINGS);
    await store.db.transaction().execute(async (trx) => {
      for (let i = from; i < end; i += 400) {
        const rows = [];
        for (let k = i; k < Math.min(i + 400, end); k += 1)
          rows.push({
            meter_id: `m-${k % METERS}`,
            start_ms: BigInt(DAY0 + Math.floor(k / METERS) * 900_000),
            wh: BigInt(k % 50),
          });
        await trx
          .insertInto('bench_raw' as never)
          .values(rows as never)
          .execute();
      }
    });
  }
  return READINGS / ((clock.monoMs() - start) / 1000);
}

/** Every reading stored once: one charge each, and the expected packed day rows. */
async function checkStored(store: Store) {
  const db = syncDb(store.db);
  const count = async (table: 'edge_charges' | 'interval_days') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return String(row.n);
  };
  const charges = await count('edge_charges');
  if (charges !== String(values.unrated ? 0 : READINGS))
    throw new Error(`${charges} charges, expected ${READINGS}`);
  const days = await count('interval_days');
  const expectDays = METERS * Math.ceil(READINGS / METERS / 96);
  if (days !== String(expectDays)) throw new Error(`${days} day rows, expected ${expectDays}`);
}

async function run(name: string, store: Store) {
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
  const start = clock.monoMs();
  let acked = 0;
  for (const text of texts) {
    const result = await ingestBatch(ctx.committer, 'gw-bench', JSON.parse(text), clock.wallMs());
    if (result.quarantined > 0) throw new Error(`quarantined: ${JSON.stringify(result.ack)}`);
    acked = result.ack.ackedThroughSeq;
  }
  const seconds = (clock.monoMs() - start) / 1000;
  const blocks = Math.ceil(READINGS / 5000);
  if (acked !== blocks) throw new Error(`acked ${acked}, expected ${blocks}`);
  await checkStored(store);
  const rate = READINGS / seconds;
  const raw = await rawRate(store);
  const ratio = (rate / raw).toFixed(2);
  const line = `| ${name} | ${READINGS} | ${Math.round(rate)} | ${Math.round(raw)} | ${ratio} |`;
  process.stdout.write(`${line}\n`);
  return line;
}

process.stdout.write(
  `ingest bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, ` +
    `${READINGS} readings, ${METERS} meters, ${BATCH_BLOCKS} blocks of 5000 per request, ` +
    `${values.unrated ? 'unrated (intervals + reads only)' : 'rated (charges + ledger)'}\n` +
    '| backend | readings | ingest readings/s | raw insert rows/s | ratio |\n' +
    '|---|---:|---:|---:|---:|\n',
);
const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-ingest-'));
try {
  const lite = await openStore({ dataDir: dir });
  await run('sqlite', lite);
  await lite.close();
  if (values.pg) {
    const schema = `bench_${process.pid}`;
    const pgStore = await openStore({ db: values.pg, pgSchema: schema });
    try {
      await run('postgres', pgStore);
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(pgStore.db);
      await pgStore.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
