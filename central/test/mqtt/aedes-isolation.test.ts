import { describeBrokerIsolation, ACCOUNTS } from './broker-isolation-contract.js';
import { createCredentialStore, hashPassword } from '../../src/mqtt/credentials.js';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker.js';

const silent = { info: () => {}, warn: () => {} };

describeBrokerIsolation('embedded aedes broker', async () => {
  const hashes = new Map<string, string>();
  let saltByte = 1;
  for (const [user, password] of Object.entries(ACCOUNTS)) {
    hashes.set(user, await hashPassword(password, new Uint8Array(16).fill(saltByte++)));
  }
  const broker = await startEmbeddedBroker({
    credentials: createCredentialStore(hashes),
    log: silent,
  });
  return { url: broker.url, close: () => broker.close() };
});
