import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openStore, type Store } from '../../src/store/index.js';
import { migrateSync } from '../../src/sync/sync-migrations.js';
import { testPgUrl, testSchemaName } from './pg-schemas.js';

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

/** A fresh schema per store in this worker's database (`pg-schemas.ts`). */
async function freshPostgres(): Promise<Store> {
  const store = await openStore({ db: await testPgUrl(), pgSchema: testSchemaName() });
  await migrate(store);
  await migrateSync(store);
  return store;
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
