import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RandomSource } from '@gridbill/shared/ids';
import { createUuidV7 } from '@gridbill/shared/ids';
import { ed25519PrivateKeyFromSeed } from '@gridbill/shared/sync';
import type { Engine } from '../engine/engine.js';
import type { ApplyHooks } from './apply-change.js';
import { createDownstreamPuller } from './downstream-puller.js';
import { startGatewaySync } from './gateway-sync.js';
import { OutboxStream } from './outbox-stream.js';
import { createUpstreamSender } from './upstream-sender.js';

/**
 * Reads the gateway's request-signing key: a file holding the 32-byte Ed25519 seed as 64 hex
 * digits. Example: a file with '2a2a…2a' (64 chars) → the private key for that seed.
 */
export function loadSyncKey(file: string): KeyObject {
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${file}: expected 64 hex digits (an Ed25519 seed), got ${hex.length} chars`);
  return ed25519PrivateKeyFromSeed(Buffer.from(hex, 'hex'));
}

export interface AttachSyncOptions {
  engine: Engine;
  centralUrl: string;
  keyId: string;
  privateKey: KeyObject;
  random: RandomSource;
  batchSize?: number;
  pullEveryMs?: number;
  /** Stamps signed requests; defaults to the engine's clock. */
  requestClock?: { wallMs(): number };
  onError?: (what: 'upstream' | 'downstream', err: unknown) => void;
  /** After-commit hooks of downstream applies (tariff reload). */
  hooks?: ApplyHooks;
}

/**
 * Starts sync for a running gateway engine (the daemon's hook): the upstream sender over the
 * engine's own outbox, the downstream puller applying through the engine, both driven by
 * `startGatewaySync`. Returns its handle plus the parts (status page: `stream.pending()`,
 * `stream.lastAckWallMs()`).
 */
export function attachSync(o: AttachSyncOptions) {
  const { engine } = o;
  const gatewayId = engine.deps.config.gatewayId;
  const baseUrl = () => o.centralUrl.replace(/\/$/, '');
  const stream = new OutboxStream(engine.deps.db, engine.outbox);
  const sender = createUpstreamSender({
    stream,
    gatewayId,
    keyId: o.keyId,
    privateKey: o.privateKey,
    baseUrl,
    clock: engine.deps.clock,
    requestClock: o.requestClock ?? engine.deps.clock,
    newIncarnationId: createUuidV7(engine.deps.clock, o.random),
    batchSize: o.batchSize,
  });
  const puller = createDownstreamPuller({
    engine,
    requestClock: o.requestClock ?? engine.deps.clock,
    gatewayId,
    keyId: o.keyId,
    privateKey: o.privateKey,
    baseUrl,
    ...(o.hooks === undefined ? {} : { hooks: o.hooks }),
  });
  const sync = startGatewaySync({
    clock: engine.deps.clock,
    random: o.random,
    // a round pipelines up to 16 batches (two on the wire), then the loop decides what next
    sendOnce: () => sender.sendRound(),
    pull: puller.pull,
    ...(o.pullEveryMs === undefined ? {} : { pullEveryMs: o.pullEveryMs }),
    onError: o.onError,
  });
  return { ...sync, stream, sender, puller };
}
