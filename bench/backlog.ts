/**
 * Backlog drain (G5a): a gateway with 1,000 meters returning from a 30-day outage (2.88 M
 * readings) drains its outbox to central over loopback HTTP while live polling keeps appending.
 * Central runs in its own process (bench/central-server.ts, SQLite, the real sync endpoints);
 * this process is the gateway: the real SQLite outbox (WAL, synchronous=FULL), filled with what
 * 30 days of polling write — one `interval-block` event per 1,000-meter cycle (1,000 rated
 * intervals + 1,000 register reads) — drained by the real `createUpstreamSender` (signed
 * requests, `--in-flight` of them at once), while one live 1,000-meter cycle is appended every
 * 2 s (450 times faster than 15-minute polling).
 *
 * Prints readings drained, seconds, readings/s, CPU µs per reading of central (/proc) and of
 * the gateway's sender (this process minus the live appends), wall per batch, and the raw limit
 * measured in the same run: the same number of rows inserted into a plain SQLite table (WAL,
 * FULL, 5,000 per transaction). Checks central holds every reading sent once (charges, day
 * rows, receivables).
 *
 *   npx tsx bench/backlog.ts [--readings 2880000] [--in-flight 1 | --sequential]
 *     [--max-body-mib 4] [--profile <dir>]  (both processes write a .cpuprofile there)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom, createUuidV7 } from '@gridbill/shared/ids';
import { ed25519PrivateKeyFromSeed, ed25519PublicKeyBase64url } from '@gridbill/shared/sync';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, openStore, type StoreOptions } from '../central/src/store/index.js';
import {
  countEdgeCharges,
  migrateSync,
  registerGatewayKey,
  syncDb,
} from '../central/src/sync/index.js';
import { openDatabase } from '../edge/src/store/open-store.js';
import { Outbox } from '../edge/src/store/outbox.js';
import { createUpstreamSender, OutboxStream } from '../edge/src/sync/index.js';
import { seedGateway } from './central-seed.js';
import { startCentralProcess } from './central-process.js';
import { buildBlocks, checkReceivables } from './edge-blocks.js';

const { values } = parseArgs({
  options: {
    readings: { type: 'string', default: '2880000' },
    'in-flight': { type: 'string', default: '1' },
    sequential: { type: 'boolean', default: false },
    'max-body-mib': { type: 'string', default: '4' },
    profile: { type: 'string' },
  },
});
const METERS = 1000;
/** Whole 1,000-meter cycles. */
const READINGS = Math.ceil(Number(values.readings) / METERS) * METERS;
const IN_FLIGHT = Number(values['in-flight']);
const MAX_BODY_BYTES = Math.round(Number(values['max-body-mib']) * 1024 * 1024);
const DAY0 = Date.UTC(2026, 9, 1);
const LIVE_EVERY_MS = 2000;
const clock = createSystemClock();
const key = ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(5));
const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-backlog-'));
const fixed = (v: number, d: number) => v.toFixed(d); // tidy:allow-number rates, not money

/** Appends cycles ⌊from / 1000⌋ … as one block per cycle, in one transaction (one burst). */
function appendCycles(db: BetterSqlite3.Database, outbox: Outbox, from: number, n: number) {
  db.transaction(() => {
    for (let k = from; k < from + n; k += METERS) {
      for (const b of buildBlocks('gw-bench', METERS, DAY0, k, METERS)) {
        const event = { kind: 'interval-block' as const, eventId: b.eventId, body: b.body };
        outbox.append(event, { wallMs: b.occurredAtMs, trusted: true });
      }
    }
  })();
}

/** The limit: READINGS rows into a plain table, WAL + FULL, 5,000 per transaction. */
function rawInsertRate(): number {
  const db = new BetterSqlite3(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE r (meter_id TEXT, start_ms INTEGER, wh INTEGER, ' +
      'PRIMARY KEY (meter_id, start_ms))',
  );
  const insert = db.prepare('INSERT INTO r VALUES (?, ?, ?)');
  const start = clock.monoMs();
  for (let from = 0; from < READINGS; from += 5000) {
    db.transaction(() => {
      for (let k = from; k < Math.min(from + 5000, READINGS); k += 1)
        insert.run(`m-${k % METERS}`, DAY0 + Math.floor(k / METERS) * 900_000, k % 50);
    })();
  }
  db.close();
  return READINGS / ((clock.monoMs() - start) / 1000);
}

/** A migrated central store with the gateway, its 1,000 meters/accounts and its key. */
async function prepareCentral(): Promise<StoreOptions> {
  const store = await openStore({ dataDir: join(dir, 'central') });
  await migrate(store);
  await migrateSync(store);
  await seedGateway(store, 'gw-bench', METERS);
  const db = syncDb(store.db);
  await registerGatewayKey(db, 'gw-bench', 'k1', ed25519PublicKeyBase64url(key), 0);
  const opened = store.opened;
  await store.close();
  return opened;
}

/**
 * Central holds every reading sent exactly once: one packed charge per reading, one interval
 * day row per meter and UTC day, and receivables summing to every reading's amount
 * (`minorOf` in edge-blocks.ts: 2 + k mod 5 minor units). Throws naming what differs.
 */
async function checkStored(opened: StoreOptions, readings: number): Promise<void> {
  const store = await openStore(opened);
  try {
    const db = syncDb(store.db);
    const charges = await countEdgeCharges(db);
    if (String(charges) !== String(readings))
      throw new Error(`central holds ${charges} charges, the gateway sent ${readings}`);
    const days = await db
      .selectFrom('interval_days')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const expectDays = METERS * Math.ceil(readings / METERS / 96);
    if (String(days.n) !== String(expectDays))
      throw new Error(`central holds ${days.n} interval day rows, expected ${expectDays}`);
    await checkReceivables(store, readings);
  } finally {
    await store.close();
  }
}

const opened = await prepareCentral();
const newId = createUuidV7(clock, createSeededRandom('edge'));
const { db: edgeDb } = openDatabase(join(dir, 'gateway.db'), {
  newIncarnationId: newId,
  wallMs: clock.wallMs(),
});
const outbox = new Outbox(edgeDb);
const fillStart = clock.monoMs();
for (let from = 0; from < READINGS; from += 100_000)
  appendCycles(edgeDb, outbox, from, Math.min(100_000, READINGS - from));
const fillSeconds = (clock.monoMs() - fillStart) / 1000;
const central = await startCentralProcess(opened, { sync: true, profileDir: values.profile });
const stream = new OutboxStream(edgeDb, outbox);
const sender = createUpstreamSender({
  stream,
  gatewayId: 'gw-bench',
  keyId: 'k1',
  privateKey: key,
  baseUrl: () => central.url,
  clock,
  newIncarnationId: newId,
  maxBodyBytes: MAX_BODY_BYTES,
  inFlight: IN_FLIGHT,
  timeoutMs: 300_000,
});
let live = READINGS;
let liveCpuUs = 0;
const poller = setInterval(() => {
  const c0 = process.cpuUsage();
  appendCycles(edgeDb, outbox, live, METERS);
  const c = process.cpuUsage(c0);
  liveCpuUs += c.user + c.system;
  live += METERS;
}, LIVE_EVERY_MS);
const centralCpu0 = central.cpuMs();
const edgeCpu0 = process.cpuUsage();
const start = clock.monoMs();
let batches = 0;
let bytes = 0;
let resends = 0;
while (stream.pending() > 0) {
  // --sequential: `sendOnce` rounds (nothing prepared ahead), the A/B baseline
  const outcomes = values.sequential ? [await sender.sendOnce()] : await sender.drain(1_000_000);
  for (const o of outcomes) {
    if (o.kind === 'idle') continue;
    if (o.kind === 'resend')
      resends += 1; // with --in-flight > 1: a batch overtook another
    else if (o.kind !== 'pruned') {
      await central.stop();
      throw new Error(`batch ${batches + 1}: ${JSON.stringify(o)}`);
    } else {
      batches += 1;
      bytes += o.bytes;
    }
  }
}
const seconds = (clock.monoMs() - start) / 1000;
const edgeCpu = process.cpuUsage(edgeCpu0);
const centralCpuMs = central.cpuMs() - centralCpu0;
clearInterval(poller);
const commits = await central.stop();
edgeDb.close();
const drained = live;
await checkStored(opened, drained);
const raw = rawInsertRate();
rmSync(dir, { recursive: true, force: true });
const rate = drained / seconds;
const senderUs = (edgeCpu.user + edgeCpu.system - liveCpuUs) / drained;
process.stdout.write(
  `backlog bench: ${cpus().length} cores, load ${fixed(loadavg()[0] ?? 0, 1)}; outbox filled ` +
    `with ${READINGS} readings (${READINGS / METERS} blocks) in ${fixed(fillSeconds, 1)} s\n` +
    `drained ${drained} readings (backlog + ${drained - READINGS} live) in ` +
    `${fixed(seconds, 1)} s: ${Math.round(rate)} readings/s; ${batches} requests ` +
    `(${values.sequential ? 'sequential' : `${IN_FLIGHT} in flight`}, ` +
    `${resends} refused as overtaking and resent, ` +
    `${fixed(bytes / batches / 1048576, 2)} MiB each, ` +
    `${fixed((seconds * 1000) / batches, 0)} ms wall each), central commits ${commits.commits}\n` +
    `CPU µs per reading: central ${fixed((centralCpuMs * 1000) / drained, 2)}, gateway sender ` +
    `${fixed(senderUs, 2)} (live appends ${fixed(liveCpuUs / 1000, 0)} ms excluded)\n` +
    `raw SQLite insert ${Math.round(raw)} rows/s; ratio ${fixed(rate / raw, 2)}; ` +
    `2.88 M at this rate: ${fixed(2_880_000 / rate, 0)} s (target ≤ 30 s)\n`,
);
