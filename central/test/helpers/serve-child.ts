// tidy:entry spawned by payment-race-processes.test.ts as a second server process
/**
 * A second central server process on an existing store, for cross-process race tests.
 * Usage: node --import tsx serve-child.ts '<StoreOptions JSON>'; prints `listening <url>`.
 */
import { createSystemClock } from '@gridbill/shared/clock';
import { pino } from 'pino';
import { createSystemRandom } from '../../src/app/system-random.js';
import { createContext } from '../../src/app/create-context.js';
import { startServer } from '../../src/app/serve.js';
import { openStore } from '../../src/store/index.js';
import { TOKEN_KEY } from './token-key.js';

const store = await openStore(JSON.parse(process.argv[2] ?? '{}'));
const ctx = createContext({
  store,
  clock: createSystemClock(),
  random: createSystemRandom(),
  tokenKey: TOKEN_KEY,
  logger: pino({ level: 'error' }, pino.destination(2)),
});
const server = await startServer(ctx, { port: 0 });
process.stdout.write(`listening ${server.url}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.exit(0);
});
