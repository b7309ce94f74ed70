import type { KeyObject } from 'node:crypto';
import { signSyncRequest } from '@gridbill/shared/sync';

export interface BatchPosterOptions {
  gatewayId: string;
  keyId: string;
  privateKey: KeyObject;
  baseUrl: () => string;
  clock: { wallMs(): number };
  requestClock?: { wallMs(): number };
}

/** Central's answer to one batch: its JSON, or why there is none. */
export type PostAnswer = { ok: true; json: unknown } | { ok: false; reason: string };

/**
 * POSTs signed upstream batches to `/sync/v1/gw/<gateway>/events`. The body bytes are hashed
 * for the signature and sent as they are (encoded once). Never throws: a network error,
 * timeout, non-2xx status or non-JSON answer comes back as `{ ok: false, reason }`.
 * Example: post(Buffer.from('{"v":1,…}')) → { ok: true, json: { v: 1, action: 'continue', … } }
 */
export function createBatchPoster(o: BatchPosterOptions, timeoutMs: number) {
  const path = `/sync/v1/gw/${o.gatewayId}/events`;
  return async function post(body: Buffer): Promise<PostAnswer> {
    const headers = signSyncRequest(
      { method: 'POST', pathAndQuery: path, body },
      {
        gatewayId: o.gatewayId,
        keyId: o.keyId,
        privateKey: o.privateKey,
        timeMs: (o.requestClock ?? o.clock).wallMs(),
      },
    );
    try {
      const res = await fetch(`${o.baseUrl()}${path}`, {
        method: 'POST',
        body,
        headers: { ...headers, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (!res.ok)
        return { ok: false, reason: `central answered ${res.status}: ${text.slice(0, 300)}` };
      return { ok: true, json: JSON.parse(text) };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  };
}
