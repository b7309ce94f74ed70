import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { type Logger, pino } from 'pino';
import { migrate, openStore, type Store } from '../store/store.js';
import { migrateSync } from '../sync/sync-migrations.js';
import type { AppContext } from './context.js';
import { createContext } from './create-context.js';
import { createSystemRandom } from './system-random.js';
import { loadOrCreateTokenKey } from './token-key-file.js';

export interface RuntimeOptions {
  db?: string;
  dataDir: string;
  logger?: Logger;
  /** The utility's IANA time zone; default `GRIDBILL_TIME_ZONE`, else UTC. */
  timeZone?: string;
}

/**
 * Opens a real runtime for daemons and CLIs: the store named by `--db` (default SQLite under
 * the data directory), migrated; the system clock and CSPRNG; the token key file.
 */
export async function openRuntime(o: RuntimeOptions): Promise<{ ctx: AppContext; store: Store }> {
  const store = await openStore({ db: o.db, dataDir: o.dataDir });
  await migrate(store);
  await migrateSync(store);
  const random = createSystemRandom();
  const tokenKey = loadOrCreateTokenKey(join(o.dataDir, 'token-signing.key'), random);
  const logger = o.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const timeZone = o.timeZone ?? process.env.GRIDBILL_TIME_ZONE ?? 'UTC';
  const clock = createSystemClock();
  const ctx = createContext({ store, clock, random, tokenKey, logger, timeZone });
  return { ctx, store };
}
