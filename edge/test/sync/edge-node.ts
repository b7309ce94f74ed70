/** An edge gateway store with an outbox and the upstream sender, for sync tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Clock } from '@gridbill/shared/clock';
import { contentId, createSeededRandom, createUuidV7 } from '@gridbill/shared/ids';
import { ed25519PrivateKeyFromSeed } from '@gridbill/shared/sync';
import { openDatabase } from '../../src/store/open-store.js';
import { Outbox } from '../../src/store/outbox.js';
import { createUpstreamSender, OutboxStream } from '../../src/sync/index.js';

export const GATEWAY_KEY = ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(9));
export const INTERVAL_MS = 900_000;

export function createEdgeNode(
  baseUrl: () => string,
  clock: Clock,
  opts: { seed?: string; file?: string; batchSize?: number } = {},
) {
  const { seed = 'edge', file } = opts;
  const dir = file ? null : mkdtempSync(join(tmpdir(), 'gridbill-sync-edge-'));
  const path = file ?? join(dir ?? '', 'gateway.db');
  const newId = createUuidV7(clock, createSeededRandom(seed));
  const { db } = openDatabase(path, { newIncarnationId: newId, wallMs: clock.wallMs() });
  const outbox = new Outbox(db);
  const stream = new OutboxStream(db, outbox);
  const sender = createUpstreamSender({
    stream,
    gatewayId: 'gw-1',
    keyId: 'k1',
    privateKey: GATEWAY_KEY,
    baseUrl,
    clock,
    newIncarnationId: newId,
    batchSize: opts.batchSize ?? 500,
    timeoutMs: 10_000,
  });
  // a rated interval row (the gateway store keeps the charge in the interval's row)
  const insertCharge = db.prepare(
    'INSERT INTO intervals (charge_id, meter_id, account_id, start_ms, tariff_version, ' +
      'energy_wh, amount_minor, end_ms, flags, source) ' +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'profile')",
  );
  /** One rated interval per meter: the charge row and both outbox events in one transaction. */
  const produceInterval = (meters: { accountId: string; meterId: string }[], startMs: number) => {
    db.transaction(() => {
      for (const [i, m] of meters.entries()) {
        const energyWh = 100 + ((startMs / INTERVAL_MS + i) % 37);
        const amountMinor = BigInt(energyWh) * 2n;
        const chargeId = contentId('charge', m.meterId, startMs, 'tv-1');
        insertCharge.run(
          chargeId,
          m.meterId,
          m.accountId,
          startMs,
          'tv-1',
          energyWh,
          `${amountMinor}`,
          startMs + INTERVAL_MS,
        );
        const time = { wallMs: startMs + INTERVAL_MS, trusted: true };
        const interval = {
          meterId: m.meterId,
          channel: 0,
          intervalStartMs: startMs,
          intervalSeconds: 900,
          energyWh,
          qualityFlags: 0,
        };
        const intervalId = contentId('interval', m.meterId, 0, startMs);
        outbox.append({ kind: 'interval', eventId: intervalId, body: interval }, time);
        const charge = {
          chargeId,
          accountId: m.accountId,
          meterId: m.meterId,
          intervalStartMs: startMs,
          intervalSeconds: 900,
          energyWh,
          amountMinor: `${amountMinor}`,
          currency: 'KES',
          tariffVersionId: 'tv-1',
          priceSource: 'tariff',
        };
        outbox.append({ kind: 'charge', eventId: chargeId, body: charge }, time);
      }
    })();
  };
  const charges = () =>
    db.prepare('SELECT id, account_id, amount_minor FROM charges').all() as {
      id: string;
      account_id: string;
      amount_minor: string;
    }[];
  return {
    db: db as Database,
    outbox,
    stream,
    sender,
    produceInterval,
    charges,
    close() {
      if (db.open) db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type EdgeNode = ReturnType<typeof createEdgeNode>;
