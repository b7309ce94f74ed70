import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL test stores (`GRIDBILL_TEST_PG` names the server): each vitest worker gets its
 * own database, `gridbill_test_w<pool id>`, and each store a fresh schema in it; the databases
 * are dropped when the whole run has ended (vitest `globalSetup` teardown). Kysely's migrator
 * introspects every table of its database, so a table or schema dropped by the other worker
 * (migration 0006 drops `edge_charges`, a closing store its schema) made a migration fail now
 * and then ("relation t_….edge_charges does not exist") while the two shared one database.
 * Example: testSchemaName() → 't_3f9a0c12be77'; await testPgUrl() →
 *   'postgres://postgres@127.0.0.1:55432/gridbill_test_w1'.
 */
export function testSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

const DB_PREFIX = 'gridbill_test_w';
let workerUrl: Promise<string> | undefined;

/** This worker's test database (created on first use). */
export function testPgUrl(): Promise<string> {
  workerUrl ??= createWorkerDatabase();
  return workerUrl;
}

async function createWorkerDatabase(): Promise<string> {
  const url = new URL(serverUrl());
  const name = `${DB_PREFIX}${Number.parseInt(process.env.VITEST_POOL_ID ?? '0', 10)}`;
  await withClient(async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
  url.pathname = `/${name}`;
  return url.toString();
}

function serverUrl(): string {
  const url = process.env.GRIDBILL_TEST_PG;
  if (!url) throw new Error('GRIDBILL_TEST_PG is not set');
  return url;
}

async function withClient(fn: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/** vitest globalSetup: after every test file has finished, drops the workers' databases. */
export async function teardown(): Promise<void> {
  if (!process.env.GRIDBILL_TEST_PG) return;
  await withClient(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT datname AS name FROM pg_database WHERE datname LIKE $1',
      [`${DB_PREFIX}%`],
    );
    for (const { name } of rows)
      if (/^gridbill_test_w[0-9]+$/.test(name))
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
