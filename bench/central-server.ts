/**
 * Central as its own process for the benches (as in production): opens an existing, migrated
 * store (StoreOptions JSON in argv[2]), serves the real HTTP app — with the gateway sync
 * endpoints when argv[3] is `sync` — (pino at `GRIDBILL_LOG_LEVEL`, default warn, to stderr),
 * prints `listening <url>`; on SIGTERM prints `stats {"writes":…,"commits":…}` and exits.
 * Started by `startCentralProcess` (bench/central-process.ts).
 *
 * Run: node --import tsx bench/central-server.ts '{"dataDir":"/tmp/x"}' sync
 *   → listening http://127.0.0.1:40123
 */
import { createSystemClock } from '@gridbill/shared/clock';
import { tokenKeyPairFromSeed } from '@gridbill/shared/token';
import { pino } from 'pino';
import { createContext } from '../central/src/app/create-context.js';
import { startServer } from '../central/src/app/serve.js';
import { createSystemRandom } from '../central/src/app/system-random.js';
import { openStore } from '../central/src/store/index.js';
import { syncMount } from '../central/src/sync/index.js';

const store = await openStore(JSON.parse(process.argv[2] ?? '{}'));
const ctx = createContext({
  store,
  clock: createSystemClock(),
  random: createSystemRandom(),
  tokenKey: tokenKeyPairFromSeed('k-bench', new Uint8Array(32).fill(9)),
  logger: pino({ level: process.env.GRIDBILL_LOG_LEVEL ?? 'warn' }, pino.destination(2)),
});
const mounts = process.argv[3] === 'sync' ? [syncMount] : [];
const server = await startServer(ctx, { port: 0, mounts });
process.stdout.write(`listening ${server.url}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.stdout.write(`stats ${JSON.stringify(ctx.committer.stats())}\n`, () => process.exit(0));
});
