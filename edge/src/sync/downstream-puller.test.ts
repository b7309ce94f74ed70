import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ed25519PrivateKeyFromSeed } from '@gridbill/shared/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineFixture, engineFixture } from '../../test/support/engine-fixture.js';
import { createDownstreamPuller } from './downstream-puller.js';
import { readCheckpoint, writeCheckpoint } from './inbox.js';

const HEAD = { feedEpoch: 'e1', cseq: 3 };
const snapshot = {
  v: 1,
  gatewayId: 'gw-001',
  takenAtMs: 1,
  checkpoint: HEAD,
  tariffVersions: [],
  accounts: [],
  meters: [],
  balances: [],
  relayOrders: [],
  keys: [],
  redeemedTokenIds: [],
};

/** A stand-in central answering every feed request with its head (3) and a snapshot. */
function fakeCentral(): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push((req.url ?? '').split('?')[0] ?? '');
    const body = req.url?.includes('/snapshot')
      ? snapshot
      : { v: 1, gatewayId: 'gw-001', changes: [], checkpoint: HEAD, hasMore: false };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({ server, url: `http://127.0.0.1:${port}`, paths });
    }),
  );
}

describe('downstream puller', () => {
  let fx: EngineFixture;
  let server: Server | undefined;
  afterEach(() => {
    fx?.close();
    server?.close();
  });

  it('a checkpoint ahead of central (restored from a backup) → alarm and snapshot', async () => {
    fx = engineFixture();
    const central = await fakeCentral();
    server = central.server;
    const puller = createDownstreamPuller({
      engine: fx.engine,
      gatewayId: 'gw-001',
      keyId: 'k1',
      privateKey: ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(5)),
      baseUrl: () => central.url,
    });
    writeCheckpoint(fx.engine.deps.db, { feedEpoch: 'e1', cseq: 10 });
    const result = await puller.pull();
    expect(result.snapshots).toEqual({ full: 1, seed: 0 });
    expect(readCheckpoint(fx.engine.deps.db)).toEqual(HEAD);
    expect(central.paths).toEqual([
      '/sync/v1/gw/gw-001/changes',
      '/sync/v1/gw/gw-001/snapshot',
      '/sync/v1/gw/gw-001/changes',
    ]);
    const alarms = fx.engine.deps.db
      .prepare("SELECT body FROM outbox WHERE kind = 'alarm'")
      .pluck()
      .all()
      .map((b) => JSON.parse(b as string).code);
    expect(alarms).toEqual(['feed-checkpoint-ahead']);
    // in step again: a plain pull, no snapshot
    expect((await puller.pull()).snapshots).toEqual({ full: 0, seed: 0 });
  });
});
