import { contentId } from '@gridbill/shared/ids';
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyBase64url,
  signSyncRequest,
} from '@gridbill/shared/sync';
import type { BackendCase } from '../helpers/backends.js';
import { type Harness, startHarness } from '../helpers/api-harness.js';
import { migrateSync, syncMount } from '../../src/sync/index.js';

export const SEED = new Uint8Array(32).fill(7);
export const PRIVATE_KEY = ed25519PrivateKeyFromSeed(SEED);
export const INC_A = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172';
export const INC_B = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506173';

/** The API harness with the sync tables and routes, and gw-1's key registered. */
export async function startSyncHarness(b: BackendCase): Promise<Harness> {
  const withSync: BackendCase = {
    ...b,
    open: async () => {
      const store = await b.open();
      await migrateSync(store);
      return store;
    },
  };
  const h = await startHarness(withSync, [syncMount]);
  const gw = await h.call('admin', 'POST', '/api/gateways', { id: 'gw-1', name: 'Substation 1' });
  if (gw.status !== 201) throw new Error(`gateway: ${JSON.stringify(gw.body)}`);
  const publicKey = ed25519PublicKeyBase64url(PRIVATE_KEY);
  const key = await h.call('admin', 'POST', '/api/gateways/gw-1/sync-keys', {
    keyId: 'k1',
    publicKey,
  });
  if (key.status !== 201) throw new Error(`key: ${JSON.stringify(key.body)}`);
  return h;
}

/** Posts a signed body as gw-1 (or `gatewayId`) with the harness clock. */
export async function postSigned(
  h: Harness,
  body: string,
  opts: { gatewayId?: string; pathGateway?: string; timeMs?: number } = {},
) {
  const gatewayId = opts.gatewayId ?? 'gw-1';
  const path = `/sync/v1/gw/${opts.pathGateway ?? gatewayId}/events`;
  const headers = signSyncRequest(
    { method: 'POST', pathAndQuery: path, body },
    { gatewayId, keyId: 'k1', privateKey: PRIVATE_KEY, timeMs: opts.timeMs ?? h.clock.wallMs() },
  );
  const res = await fetch(h.server.url + path, {
    method: 'POST',
    body,
    headers: { ...headers, 'content-type': 'application/json' },
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  return { status: res.status, body: JSON.parse(text) as any };
}

export interface WireEvent {
  seq: number;
  eventId: string;
  occurredAtMs: number;
  clockTrusted: boolean;
  kind: string;
  body: Record<string, unknown>;
}

/** An interval event with a deterministic id. */
export function intervalEvent(seq: number, meterId: string, startMs: number, wh: number) {
  return {
    seq,
    eventId: contentId('interval', meterId, 0, startMs),
    occurredAtMs: startMs + 900_000,
    clockTrusted: true,
    kind: 'interval',
    body: {
      meterId,
      channel: 0,
      intervalStartMs: startMs,
      intervalSeconds: 900,
      energyWh: wh,
      qualityFlags: 0,
    },
  } satisfies WireEvent;
}

/** A charge event (charge id = event id) for an interval. */
export function chargeEvent(
  seq: number,
  accountId: string,
  meterId: string,
  startMs: number,
  amountMinor: bigint,
) {
  const chargeId = contentId('charge', meterId, startMs, 'tv-1');
  return {
    seq,
    eventId: chargeId,
    occurredAtMs: startMs + 900_000,
    clockTrusted: true,
    kind: 'charge',
    body: {
      chargeId,
      accountId,
      meterId,
      intervalStartMs: startMs,
      intervalSeconds: 900,
      energyWh: 100,
      amountMinor: amountMinor.toString(),
      currency: 'KES',
      tariffVersionId: 'tv-1',
      priceSource: 'tariff',
    },
  } satisfies WireEvent;
}

export function batchText(
  incarnation: string,
  events: WireEvent[],
  headSeq?: number,
  gatewayId = 'gw-1',
): string {
  return JSON.stringify({
    v: 1,
    gatewayId,
    incarnation,
    fromSeq: events[0]?.seq ?? 1,
    headSeq: headSeq ?? events[events.length - 1]?.seq ?? 0,
    sentAtMs: 1_767_225_600_000,
    events,
  });
}

/** A signed GET as gw-1 (change feed). */
export async function getSigned(h: Harness, pathAndQuery: string) {
  const headers = signSyncRequest(
    { method: 'GET', pathAndQuery, body: '' },
    { gatewayId: 'gw-1', keyId: 'k1', privateKey: PRIVATE_KEY, timeMs: h.clock.wallMs() },
  );
  const res = await fetch(h.server.url + pathAndQuery, { headers });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  return { status: res.status, body: (await res.json()) as any };
}
