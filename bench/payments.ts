/**
 * Payment posting benchmark: payments/s through the real HTTP API (Idempotency-Key, full
 * durability: SQLite WAL + synchronous=FULL, PostgreSQL synchronous_commit=on) with group
 * commit, next to the raw durable insert rate (one single-row committed transaction at a
 * time) measured in the same run on the same backend. Goal: ≥ 2,000 payments/s.
 *
 * Run: npx tsx bench/payments.ts [--pg postgres://…] [--payments 8000] [--concurrency 64]
 * (PostgreSQL also runs when GRIDBILL_TEST_PG is set.) Prints a Markdown section for
 * bench/RESULTS.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import pg from 'pg';
import { createContext } from '../central/src/app/create-context.js';
import { startServer } from '../central/src/app/serve.js';
import { addUser, signIn } from '../central/src/staff/users.js';
import {
  migrate,
  openSqliteConnection,
  openStore,
  type Store,
} from '../central/src/store/index.js';

const clock = createSystemClock();
const { values: args } = parseArgs({
  options: {
    pg: { type: 'string' },
    payments: { type: 'string', default: '8000' },
    concurrency: { type: 'string', default: '64' },
    accounts: { type: 'string', default: '500' },
  },
});
const PAYMENTS = Number.parseInt(args.payments ?? '8000', 10);
const CONCURRENCY = Number.parseInt(args.concurrency ?? '64', 10);
const ACCOUNTS = Number.parseInt(args.accounts ?? '500', 10);
const pgUrl = args.pg ?? process.env.GRIDBILL_TEST_PG;

/** Raw limit, SQLite: single-row INSERT, one committed transaction each, WAL + FULL. */
function rawSqliteRate(dir: string, n: number): number {
  const conn = openSqliteConnection(join(dir, 'raw.sqlite'));
  conn.exec('create table raw (id integer primary key, amount_minor integer not null)');
  const insert = conn.prepare('insert into raw (amount_minor) values (?)');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) conn.transaction(() => insert.run(100))();
  const rate = n / ((performance.now() - t0) / 1000);
  conn.close();
  return rate;
}

/** Raw limit, PostgreSQL: single-row INSERT per autocommit statement on one connection. */
async function rawPgRate(url: string, schema: string, n: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create table ${schema}.raw (id bigserial primary key, amount_minor bigint)`);
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await client.query(`insert into ${schema}.raw (amount_minor) values ($1)`, [100]);
  const rate = n / ((performance.now() - t0) / 1000);
  await client.end();
  return rate;
}

async function seed(store: Store) {
  const ctx = createContext({
    store,
    clock,
    random: createSeededRandom('bench-payments'),
    tokenKey: tokenKeyPairFromSeed('k-bench', new Uint8Array(32).fill(9)),
    maxBatch: 256,
  });
  await addUser(ctx, {
    username: 'bench',
    displayName: 'Bench',
    role: 'admin',
    password: 'bench-password-1',
  });
  const token = (await signIn(ctx, 'bench', 'bench-password-1'))!.token;
  const now = BigInt(clock.wallMs());
  const rows = Array.from({ length: ACCOUNTS }, (_, i) => i);
  await store.db
    .insertInto('customers')
    .values({ id: 'c-bench', name: 'Bench', phone: '', email: '', created_at_ms: now })
    .execute();
  for (let i = 0; i < ACCOUNTS; i += 200) {
    const chunk = rows.slice(i, i + 200).map((n) => ({
      id: `a-${n}`,
      number: `B${n}`,
      customer_id: 'c-bench',
      premise_id: null,
      currency: 'KES',
      mode: 'postpaid',
      allocation_rule: 'oldest-first',
      tariff_id: null,
      created_at_ms: now,
    }));
    await store.db.insertInto('accounts').values(chunk).execute();
  }
  return { ctx, token };
}

const paymentJson = (i: number) => ({
  channel: 'mobile-money',
  provider: 'mpesa',
  providerTxnId: `TX${i}`,
  accountNumber: `B${i % ACCOUNTS}`,
  amountMinor: 100 + (i % 900),
  currency: 'KES',
});
const keyOf = (i: number) => `bench-${i.toString().padStart(8, '0')}`;

/** One request per payment, CONCURRENCY in flight. */
async function singles(url: string, token: string, from: number): Promise<number> {
  let next = from;
  let failures = 0;
  const worker = async () => {
    while (next < from + PAYMENTS) {
      const i = next++;
      const res = await fetch(`${url}/api/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': keyOf(i),
        },
        body: JSON.stringify(paymentJson(i)),
      });
      await res.arrayBuffer();
      if (res.status !== 201) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

/** POST /api/payments/batch with 250 payments per request, 4 requests in flight. */
async function batches(url: string, token: string, from: number): Promise<number> {
  let next = from;
  let failures = 0;
  const worker = async () => {
    while (next < from + PAYMENTS) {
      const start = next;
      next += 250;
      const ids = Array.from(
        { length: Math.min(250, from + PAYMENTS - start) },
        (_, k) => start + k,
      );
      const items = ids.map((i) => ({ ...paymentJson(i), idempotencyKey: keyOf(i) }));
      const res = await fetch(`${url}/api/payments/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      const body = (await res.json()) as { results: { status: number }[] };
      failures += body.results.filter((r) => r.status !== 201).length;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return failures;
}

/** Posts PAYMENTS payments one way; returns payments/s and commit count. */
async function apiRate(store: Store, mode: 'single' | 'batch') {
  const { ctx, token } = await seed(store);
  const server = await startServer(ctx, { port: 0 });
  const t0 = performance.now();
  const failures = await (mode === 'single' ? singles : batches)(server.url, token, 0);
  const rate = PAYMENTS / ((performance.now() - t0) / 1000);
  await server.close();
  const n = await store.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  if (failures > 0) throw new Error(`${failures} payments failed`);
  const entries = Number.parseInt(String(n.n), 10);
  return { rate, commits: ctx.committer.stats().commits, entries };
}

interface Row {
  backend: string;
  mode: string;
  rate: number;
  raw: number;
  commits: number;
  entries: number;
}

async function sqliteRow(mode: 'single' | 'batch', raw: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-'));
  try {
    const store = await openStore({ dataDir: dir });
    await migrate(store);
    const r = await apiRate(store, mode);
    await store.close();
    return { backend: 'SQLite (WAL, synchronous=FULL)', mode, raw, ...r };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runSqlite(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-raw-'));
  const raw = rawSqliteRate(dir, 2000);
  rmSync(dir, { recursive: true, force: true });
  return [await sqliteRow('single', raw), await sqliteRow('batch', raw)];
}

async function pgRow(url: string, mode: 'single' | 'batch', raw: number | null) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ db: url, pgSchema: schema });
  try {
    await migrate(store);
    const rawRate = raw ?? (await rawPgRate(url, schema, 1000));
    const r = await apiRate(store, mode);
    return { backend: 'PostgreSQL 15 (synchronous_commit=on, fsync=on)', mode, raw: rawRate, ...r };
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  }
}

async function runPostgres(url: string): Promise<Row[]> {
  const single = await pgRow(url, 'single', null);
  return [single, await pgRow(url, 'batch', single.raw)];
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const rows = await runSqlite();
  if (pgUrl) rows.push(...(await runPostgres(pgUrl)));
  const cpu = cpus();
  const date = new Date(clock.wallMs()).toISOString().slice(0, 10);
  const fixed = (v: number, d: number) => v.toFixed(d); // tidy:allow-number rates, not money
  const loadAfter = loadavg()[0] ?? 0;
  const head = '| backend | HTTP requests | payments/s | raw durable inserts/s | ratio |';
  const lines = [
    `## Central payment posting through the HTTP API — ${date}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), Node ${process.version}; ` +
      `${PAYMENTS} payments, ${CONCURRENCY} in flight, ${ACCOUNTS} postpaid accounts, client and ` +
      'server in one process; `npx tsx bench/payments.ts`. Raw limit = single-row durable ' +
      'INSERT, one commit each, same backend, same run. Goal ≥ 2,000 payments/s. ' +
      `1-minute load average before/after: ${fixed(loadBefore, 1)}/${fixed(loadAfter, 1)} ` +
      '(the machine is shared; other work competes for both cores).',
    '',
    `${head} commits | entries |`,
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.mode === 'single' ? 'one payment each' : '250 per request'} | ` +
        `${fixed(r.rate, 0)} | ${fixed(r.raw, 0)} | ` +
        `${fixed(r.rate / r.raw, 2)} | ` +
        `${r.commits} | ${r.entries} |`,
    ),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
