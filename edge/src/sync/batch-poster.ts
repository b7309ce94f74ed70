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

/** A request ready to go: its body bytes and signature headers. */
export interface SignedBatch {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Signs and POSTs upstream batches to `/sync/v1/gw/<gateway>/events`. `sign` encodes the body
 * once and hashes those bytes for the signature (done ahead, while an earlier batch is at
 * central); `post` sends them as they are and never throws: a network error, timeout, non-2xx
 * status or non-JSON answer comes back as `{ ok: false, reason }`.
 * Example: post(sign('{"v":1,…}')) → { ok: true, json: { v: 1, action: 'continue', … } }
 */
export function createBatchPoster(o: BatchPosterOptions, timeoutMs: number) {
  const path = `/sync/v1/gw/${o.gatewayId}/events`;
  function sign(json: string): SignedBatch {
    const body = Buffer.from(json);
    const headers = signSyncRequest(
      { method: 'POST', pathAndQuery: path, body },
      {
        gatewayId: o.gatewayId,
        keyId: o.keyId,
        privateKey: o.privateKey,
        timeMs: (o.requestClock ?? o.clock).wallMs(),
      },
    );
    return { body, headers: { ...headers, 'content-type': 'application/json' } };
  }
  async function post(batch: SignedBatch): Promise<PostAnswer> {
    try {
      const res = await fetch(`${o.baseUrl()}${path}`, {
        method: 'POST',
        body: batch.body,
        headers: batch.headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) {
        return { ok: false, reason: `central answered ${res.status}: ${text.slice(0, 300)}` };
      }
      return { ok: true, json: JSON.parse(text) };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }
  return { sign, post };
}
