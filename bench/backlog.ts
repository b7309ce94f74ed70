/**
 * Backlog drain: a gateway with 1,000 meters returning from a 30-day outage (2.88 M readings)
 * drains its outbox to central over loopback HTTP — the real sender (signed requests of up to
 * 4 MiB of events), the real central server and ingest on SQLite — while live polling keeps
 * appending (one 1,000-meter cycle every 5 s, far faster than 15-minute intervals need). The
 * outbox holds what the gateway writes: `interval-block` events (5,000 rated intervals and
 * their register reads each) from the gateway's block builder. Raw limit measured in the same
 * run: inserting the same number of rows into a plain SQLite table (5,000 per transaction).
 *
 *   npx tsx bench/backlog.ts [--readings 2880000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom, createUuidV7 } from '@gridbill/shared/ids';
import { ed25519PrivateKeyFromSeed, ed25519PublicKeyBase64url } from '@gridbill/shared/sync';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import BetterSqlite3 from 'better-sqlite3';
import { createContext } from '../central/src/app/create-context.js';
import { startServer } from '../central/src/app/serve.js';
import { migrate, openStore } from '../central/src/store/index.js';
import {
  countEdgeCharges,
  migrateSync,
  registerGatewayKey,
  syncDb,
  syncMount,
} from '../central/src/sync/index.js';
import { openDatabase } from '../edge/src/store/open-store.js';
import { Outbox } from '../edge/src/store/outbox.js';
import { createUpstreamSender, OutboxStream } from '../edge/src/sync/index.js';
import { seedGateway } from './central-seed.js';
import { buildBlocks } from './edge-blocks.js';

const { values } = parseArgs({ options: { readings: { type: 'string', default: '2880000' } } });
const READINGS = Number(values.readings);
const METERS = 1000;
const DAY0 = Date.UTC(2026, 9, 1);
const clock = createSystemClock();
const key = ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(5));
const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-backlog-'));

/** Appends readings from .. from + n − 1 as blocks, in one transaction (one poll burst). */
function appendBlocks(db: BetterSqlite3.Database, outbox: Outbox, from: number, n: number) {
  const blocks = buildBlocks('gw-bench', METERS, DAY0, from, n);
  db.transaction(() => {
    for (const b of blocks) {
      const event = { kind: 'interval-block' as const, eventId: b.eventId, body: b.body };
      outbox.append(event, { wallMs: b.occurredAtMs, trusted: true });
    }
  })();
}

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

const store = await openStore({ dataDir: join(dir, 'central') });
await migrate(store);
await migrateSync(store);
const db = syncDb(store.db);
await seedGateway(store, 'gw-bench', METERS);
await registerGatewayKey(db, 'gw-bench', 'k1', ed25519PublicKeyBase64url(key), 0);
const ctx = createContext({
  store,
  clock,
  random: createSeededRandom('bench'),
  tokenKey: tokenKeyPairFromSeed('k', new Uint8Array(32).fill(1)),
});
const server = await startServer(ctx, { port: 0, mounts: [syncMount] });

const newId = createUuidV7(clock, createSeededRandom('edge'));
const { db: edgeDb } = openDatabase(join(dir, 'gateway.db'), {
  newIncarnationId: newId,
  wallMs: clock.wallMs(),
});
const outbox = new Outbox(edgeDb);
const fillStart = clock.monoMs();
for (let from = 0; from < READINGS; from += 100_000)
  appendBlocks(edgeDb, outbox, from, Math.min(100_000, READINGS - from));
const fillSeconds = (clock.monoMs() - fillStart) / 1000;
const stream = new OutboxStream(edgeDb, outbox);
const sender = createUpstreamSender({
  stream,
  gatewayId: 'gw-bench',
  keyId: 'k1',
  privateKey: key,
  baseUrl: () => server.url,
  clock,
  newIncarnationId: newId,
  batchSize: 100,
  timeoutMs: 300_000,
});
let live = READINGS;
const poller = setInterval(() => {
  appendBlocks(edgeDb, outbox, live, METERS);
  live += METERS;
}, 5000);
const start = clock.monoMs();
let rounds = 0;
while (stream.pending() > 0) {
  const outcome = await sender.sendOnce();
  rounds += 1;
  if (outcome.kind !== 'pruned') throw new Error(`round ${rounds}: ${JSON.stringify(outcome)}`);
}
const seconds = (clock.monoMs() - start) / 1000;
clearInterval(poller);
const drained = live;
const stored = { n: await countEdgeCharges(db) };
if (String(stored.n) !== String(drained))
  throw new Error(`central holds ${stored.n} charges, the gateway sent ${drained}`);
await server.close();
edgeDb.close();
await store.close();
const raw = rawInsertRate();
rmSync(dir, { recursive: true, force: true });
const rate = drained / seconds;
process.stdout.write(
  `backlog bench: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}; ` +
    `outbox filled with ${READINGS} readings in ${fillSeconds.toFixed(1)} s\n` +
    `drained ${drained} readings (backlog + ${drained - READINGS} live) ` +
    `in ${seconds.toFixed(1)} s ` +
    `(${rounds} batches): ${Math.round(rate)} readings/s; raw central insert ${Math.round(raw)} ` +
    `rows/s; ratio ${(rate / raw).toFixed(2)}\n`,
);
