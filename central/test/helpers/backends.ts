import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openStore, type Store } from '../../src/store/index.js';
import { migrateSync } from '../../src/sync/sync-migrations.js';

/** A backend under test: `open` gives a fresh, migrated store; `skip` says why it cannot run. */
export interface BackendCase {
  name: 'sqlite' | 'postgres';
  skip: string | false;
  open(): Promise<Store>;
}

const pgUrl = process.env.GRIDBILL_TEST_PG;

async function freshSqlite(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-central-'));
  const store = await openStore({ dataDir: dir });
  await migrate(store);
  await migrateSync(store); // as `migrate` and `serve` do: the staff screens read synced data
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema per store, dropped again on close. */
async function freshPostgres(): Promise<Store> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ db: pgUrl, pgSchema: schema });
  await migrate(store);
  await migrateSync(store);
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export const BACKENDS: BackendCase[] = [
  { name: 'sqlite', skip: false, open: freshSqlite },
  {
    name: 'postgres',
    skip: pgUrl ? false : 'GRIDBILL_TEST_PG is unset (set it to a PostgreSQL URL to run)',
    open: freshPostgres,
  },
];

/** describe.each title: shows the skip reason in the test report. */
export function backendTitle(b: BackendCase): string {
  return b.skip ? `${b.name} (skipped: ${b.skip})` : b.name;
}
