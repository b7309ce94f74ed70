/**
 * Central upstream ingest throughput (interval readings/s) on SQLite and PostgreSQL, with the
 * raw insert rate of the same rows into a plain table measured in the same run as the limit.
 * The ingest path is everything after HTTP: JSON.parse, schema parse, classification, content
 * hashes, ownership, packed meter-channel-day merge, applied-event and hash rows, watermark.
 *
 *   npx tsx bench/ingest.ts [--pg postgres://…] [--readings 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { contentId, createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import { sql } from 'kysely';
import { createContext } from '../central/src/app/create-context.js';
import { migrate, openStore, type Store } from '../central/src/store/index.js';
import { ingestBatch, migrateSync, syncDb } from '../central/src/sync/index.js';

const { values } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.GRIDBILL_TEST_PG },
    readings: { type: 'string', default: '200000' },
  },
});
const READINGS = Number(values.readings);
const METERS = 1000;
const BATCH = 5000;
const DAY0 = Date.UTC(2026, 9, 1);
const INC = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172';
const clock = createSystemClock();

function batchTexts(): string[] {
  const texts: string[] = [];
  for (let from = 1; from <= READINGS; from += BATCH) {
    const events = [];
    for (let seq = from; seq < from + BATCH && seq <= READINGS; seq += 1) {
      const meterId = `m-${String((seq - 1) % METERS).padStart(6, '0')}`;
      const startMs = DAY0 + Math.floor((seq - 1) / METERS) * 900_000;
      events.push({
        seq,
        eventId: contentId('interval', meterId, 0, startMs),
        occurredAtMs: startMs + 900_000,
        clockTrusted: true,
        kind: 'interval',
        body: {
          meterId,
          channel: 0,
          intervalStartMs: startMs,
          intervalSeconds: 900,
          energyWh: 100 + (seq % 50),
          qualityFlags: 0,
        },
      });
    }
    texts.push(
      JSON.stringify({
        v: 1,
        gatewayId: 'gw-bench',
        incarnation: INC,
        fromSeq: from,
        headSeq: READINGS,
        sentAtMs: DAY0,
        events,
      }),
    );
  }
  return texts;
}

async function seed(store: Store) {
  const db = syncDb(store.db);
  await db
    .insertInto('gateways')
    .values({ id: 'gw-bench', name: 'bench', secret_hash: '-', created_at_ms: 0n })
    .execute();
  const rows = Array.from({ length: METERS }, (_, i) => ({
    gateway_id: 'gw-bench',
    meter_id: `m-${String(i).padStart(6, '0')}`,
    assigned_at_ms: 0n,
  }));
  for (let i = 0; i < rows.length; i += 400)
    await db
      .insertInto('gateway_meters')
      .values(rows.slice(i, i + 400))
      .execute();
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

async function run(name: string, store: Store) {
  await migrate(store);
  await migrateSync(store);
  await seed(store);
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
    acked = result.ack.ackedThroughSeq;
  }
  const seconds = (clock.monoMs() - start) / 1000;
  if (acked !== READINGS) throw new Error(`acked ${acked}, expected ${READINGS}`);
  const rate = READINGS / seconds;
  const raw = await rawRate(store);
  const ratio = (rate / raw).toFixed(2);
  const line = `| ${name} | ${READINGS} | ${Math.round(rate)} | ${Math.round(raw)} | ${ratio} |`;
  process.stdout.write(`${line}\n`);
  return line;
}

process.stdout.write(
  `ingest bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, ` +
    `${READINGS} readings, ${METERS} meters, batches of ${BATCH}\n` +
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
