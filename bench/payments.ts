/**
 * Payment posting benchmark: payments/s through the real HTTP API with full durability
 * (SQLite WAL + synchronous=FULL; PostgreSQL fsync=on, synchronous_commit=on). The server runs
 * in its own process (bench/central-server.ts); this process is the client (node:http,
 * keep-alive agent, `--concurrency` requests in flight). Per backend, in the same run:
 * raw durable single-row inserts/s (one commit each), bare `GET /healthz` req/s on the same
 * server, one payment per request (group commit across requests) and the batch endpoint
 * (250 per request, 4 in flight). Goal: ≥ 2,000 payments/s per request.
 *
 * Run: npx tsx bench/payments.ts [--pg postgres://…] [--payments 8000] [--concurrency 64]
 *   [--only sqlite|postgres] [--profile <dir>]  (server writes a .cpuprofile there)
 * (PostgreSQL also runs when GRIDBILL_TEST_PG is set.) Prints a Markdown table.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import pg from 'pg';
import { createContext } from '../central/src/app/create-context.js';
import { addUser, signIn } from '../central/src/staff/users.js';
import {
  migrate,
  openSqliteConnection,
  openStore,
  type Store,
  type StoreOptions,
} from '../central/src/store/index.js';
import { type CentralProcess, startCentralProcess } from './central-process.js';

const clock = createSystemClock();
const { values: args } = parseArgs({
  options: {
    pg: { type: 'string' },
    payments: { type: 'string', default: '8000' },
    concurrency: { type: 'string', default: '64' },
    accounts: { type: 'string', default: '500' },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const PAYMENTS = Number.parseInt(args.payments ?? '8000', 10);
const CONCURRENCY = Number.parseInt(args.concurrency ?? '64', 10);
const ACCOUNTS = Number.parseInt(args.accounts ?? '500', 10);
const WARMUP = 500;
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

/** A staff user with a bearer token and ACCOUNTS postpaid accounts B0…B<n-1>. */
async function seed(store: Store): Promise<string> {
  const ctx = createContext({
    store,
    clock,
    random: createSeededRandom('bench-payments'),
    tokenKey: tokenKeyPairFromSeed('k-bench', new Uint8Array(32).fill(9)),
  });
  const user = { username: 'bench', displayName: 'Bench', role: 'admin' };
  await addUser(ctx, { ...user, password: 'bench-password-1' });
  const token = (await signIn(ctx, 'bench', 'bench-password-1'))!.token;
  const now = BigInt(clock.wallMs());
  await store.db
    .insertInto('customers')
    .values({ id: 'c-bench', name: 'Bench', phone: '', email: '', created_at_ms: now })
    .execute();
  for (let i = 0; i < ACCOUNTS; i += 200) {
    const chunk = Array.from({ length: Math.min(200, ACCOUNTS - i) }, (_, k) => ({
      id: `a-${i + k}`,
      number: `B${i + k}`,
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
  return token;
}

/** Rate and CPU per operation of the server (from /proc) and of this client process. */
async function phase(server: CentralProcess, n: number, run: () => Promise<number>) {
  const s0 = server.cpuMs();
  const c0 = process.cpuUsage();
  const rate = await run();
  const c1 = process.cpuUsage(c0);
  const serverUs = ((server.cpuMs() - s0) * 1000) / n;
  return { rate, serverUs, clientUs: (c1.user + c1.system) / n };
}

/** Central in its own process (info-level logs), profiled under `--profile DIR/<tag>`. */
function startServer(opened: StoreOptions, tag: string): Promise<CentralProcess> {
  const profileDir = args.profile ? join(args.profile, tag) : undefined;
  return startCentralProcess(opened, { logLevel: 'info', profileDir });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One HTTP request on the keep-alive agent; resolves with status and body text. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `n` jobs with `inFlight` concurrent workers; returns jobs/s. */
async function timed(n: number, inFlight: number, job: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < n) await job(next++);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return n / ((performance.now() - t0) / 1000);
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

async function healthzRate(url: string): Promise<number> {
  return timed(PAYMENTS, CONCURRENCY, async () => {
    const res = await send(`${url}/healthz`, 'GET', {});
    if (res.status !== 200) throw new Error(`healthz ${res.status}`);
  });
}

/** One request per payment, CONCURRENCY in flight; payments from..from+n-1. */
function singles(url: string, token: string, from: number, n: number): Promise<number> {
  return timed(n, CONCURRENCY, async (k) => {
    const i = from + k;
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': keyOf(i),
    };
    const res = await send(`${url}/api/payments`, 'POST', headers, JSON.stringify(paymentJson(i)));
    if (res.status !== 201) throw new Error(`payment ${i}: ${res.status} ${res.text}`);
  });
}

/** POST /api/payments/batch, 250 payments per request, 4 requests in flight. */
async function batches(url: string, token: string, from: number, n: number): Promise<number> {
  const requests = Math.ceil(n / 250);
  const perRequest = await timed(requests, 4, async (r) => {
    const ids = Array.from({ length: Math.min(250, n - r * 250) }, (_, k) => from + r * 250 + k);
    const items = ids.map((i) => ({ ...paymentJson(i), idempotencyKey: keyOf(i) }));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await send(`${url}/api/payments/batch`, 'POST', headers, JSON.stringify({ items }));
    const body = JSON.parse(res.text) as { results: { status: number }[] };
    const bad = body.results.filter((x) => x.status !== 201).length;
    if (bad > 0) throw new Error(`${bad} batch items failed`);
  });
  return (perRequest * n) / requests;
}

type Phase = Awaited<ReturnType<typeof phase>>;

interface Row {
  backend: string;
  raw: number;
  healthz: Phase;
  single: Phase;
  batch: Phase;
  singleCommits: number;
  batchCommits: number;
}

/** Seeds the store, then measures healthz + singles on one server, batches on a second. */
async function measure(store: Store, label: string, raw: number): Promise<Row> {
  const token = await seed(store);
  const opened = store.opened;
  await store.close();
  const a = await startServer(opened, 'single');
  await singles(a.url, token, 10_000_000, WARMUP);
  const healthz = await phase(a, PAYMENTS, () => healthzRate(a.url));
  const single = await phase(a, PAYMENTS, () => singles(a.url, token, 0, PAYMENTS));
  const sStats = await a.stop();
  const b = await startServer(opened, 'batch');
  await batches(b.url, token, 20_000_000, WARMUP);
  const batch = await phase(b, PAYMENTS, () => batches(b.url, token, PAYMENTS, PAYMENTS));
  const bStats = await b.stop();
  const check = await openStore(opened);
  const n = await check.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  await check.close();
  const entries = Number.parseInt(String(n.n), 10);
  if (entries !== 2 * (PAYMENTS + WARMUP)) throw new Error(`ledger holds ${entries} entries`);
  const singleCommits = sStats.commits;
  const batchCommits = bStats.commits;
  return { backend: label, raw, healthz, single, batch, singleCommits, batchCommits };
}

async function runSqlite(): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-bench-'));
  try {
    const raw = rawSqliteRate(dir, 2000);
    const store = await openStore({ dataDir: dir });
    await migrate(store);
    return await measure(store, 'SQLite (WAL, synchronous=FULL)', raw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(url: string): Promise<Row> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ db: url, pgSchema: schema });
  try {
    await migrate(store);
    const raw = await rawPgRate(url, schema, 1000);
    return await measure(store, 'PostgreSQL 15 (fsync=on, synchronous_commit=on)', raw);
  } finally {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  }
}

const fixed = (v: number, d: number) => v.toFixed(d); // tidy:allow-number rates, not money

const cpu = (p: Phase) => `${fixed(p.serverUs, 0)} / ${fixed(p.clientUs, 0)}`;

function table(rows: Row[]): string[] {
  const out = [
    '| backend | shape | per second | commits | ÷ raw inserts | ÷ healthz | ' +
      'CPU µs per op: server / client |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const line = (shape: string, p: Phase, commits: string) =>
      `| ${r.backend} | ${shape} | ${fixed(p.rate, 0)} | ${commits} | ` +
      `${fixed(p.rate / r.raw, 2)} | ${fixed(p.rate / r.healthz.rate, 2)} | ${cpu(p)} |`;
    out.push(
      `| ${r.backend} | raw durable single-row inserts | ${fixed(r.raw, 0)} | = inserts | 1.00 ` +
        '| | |',
      line('GET /healthz (bare)', r.healthz, ''),
      line('payments, one per request', r.single, String(r.singleCommits)),
      line('payments, 250 per request', r.batch, String(r.batchCommits)),
    );
  }
  return out;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const rows: Row[] = [];
  if (args.only !== 'postgres') rows.push(await runSqlite());
  if (pgUrl && args.only !== 'sqlite') rows.push(await runPostgres(pgUrl));
  const cpu = cpus();
  const at = new Date(clock.wallMs()).toISOString().slice(0, 16).replace('T', ' ');
  const loadAfter = loadavg()[0] ?? 0;
  const lines = [
    `Run ${at} UTC: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), Node ` +
      `${process.version}; ${PAYMENTS} payments per shape after ${WARMUP} warm-up, ` +
      `${CONCURRENCY} in flight, ${ACCOUNTS} postpaid accounts; server in its own process; ` +
      `1-minute load before/after ${fixed(loadBefore, 1)}/${fixed(loadAfter, 1)}.`,
    '',
    ...table(rows),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
