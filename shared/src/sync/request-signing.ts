import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/** Header names of a signed sync request. */
export const SIGNATURE_HEADERS = {
  gateway: 'x-gridbill-gateway',
  keyId: 'x-gridbill-key-id',
  timeMs: 'x-gridbill-time-ms',
  signature: 'x-gridbill-signature',
} as const;

/** Requests older or newer than this (vs central's clock) are refused. */
export const DEFAULT_MAX_SKEW_MS = 300_000;

export interface SyncRequest {
  method: string;
  /** Path with query, e.g. '/sync/v1/gw/gw-1/changes?after=12'. */
  pathAndQuery: string;
  body: Uint8Array | string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Ed25519 private key from a 32-byte seed (kept in the gateway's key file). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** Ed25519 public key from its raw 32 bytes (as in a key-rotation change, base64url). */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32)
    throw new RangeError(`Ed25519 public key must be 32 bytes, got ${raw.length}`);
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/** Raw 32 bytes of an Ed25519 public key, base64url (43 chars). */
export function ed25519PublicKeyBase64url(key: KeyObject): string {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_ED25519_PREFIX.length).toString('base64url');
}

/**
 * The signed text:
 * 'gridbill-sync-v1\n<METHOD>\n<path?query>\n<gateway>\n<keyId>\n<timeMs>\n<sha256(body) hex>'.
 */
export function signingText(
  request: SyncRequest,
  gatewayId: string,
  keyId: string,
  timeMs: number,
) {
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  return [
    'gridbill-sync-v1',
    request.method.toUpperCase(),
    request.pathAndQuery,
    gatewayId,
    keyId,
    String(timeMs),
    bodyHash,
  ].join('\n');
}

/**
 * Headers that authenticate a sync request as `gatewayId` (Ed25519 over method, path, time and
 * body hash). `timeMs` comes from the caller's clock.
 */
export function signSyncRequest(
  request: SyncRequest,
  signer: { gatewayId: string; keyId: string; privateKey: KeyObject; timeMs: number },
): Record<string, string> {
  const text = signingText(request, signer.gatewayId, signer.keyId, signer.timeMs);
  return {
    [SIGNATURE_HEADERS.gateway]: signer.gatewayId,
    [SIGNATURE_HEADERS.keyId]: signer.keyId,
    [SIGNATURE_HEADERS.timeMs]: String(signer.timeMs),
    [SIGNATURE_HEADERS.signature]: sign(null, Buffer.from(text), signer.privateKey).toString(
      'base64url',
    ),
  };
}

export type VerifyResult =
  | { ok: true; gatewayId: string; keyId: string }
  | { ok: false; reason: string };

/**
 * Checks a signed request: headers present, time within `maxSkewMs` of `nowMs`, the key known
 * for that gateway (`publicKeyFor` returns null otherwise) and the signature valid. A replay
 * inside the window is harmless: every sync request is idempotent.
 * Example: a body changed after signing → { ok: false, reason: 'signature does not match' }.
 */
export function verifySyncRequest(
  request: SyncRequest,
  headers: (name: string) => string | undefined,
  publicKeyFor: (gatewayId: string, keyId: string) => KeyObject | null,
  nowMs: number,
  maxSkewMs = DEFAULT_MAX_SKEW_MS,
): VerifyResult {
  const gatewayId = headers(SIGNATURE_HEADERS.gateway);
  const keyId = headers(SIGNATURE_HEADERS.keyId);
  const timeText = headers(SIGNATURE_HEADERS.timeMs);
  const signature = headers(SIGNATURE_HEADERS.signature);
  if (!gatewayId || !keyId || !timeText || !signature) {
    return { ok: false, reason: 'missing x-gridbill-gateway/-key-id/-time-ms/-signature header' };
  }
  const timeMs = /^[0-9]{1,16}$/.test(timeText) ? Number.parseInt(timeText, 10) : Number.NaN;
  if (!Number.isSafeInteger(timeMs) || Math.abs(nowMs - timeMs) > maxSkewMs) {
    return { ok: false, reason: `request time ${timeText} is more than ${maxSkewMs} ms off` };
  }
  const key = publicKeyFor(gatewayId, keyId);
  if (key === null) return { ok: false, reason: `unknown key ${keyId} for gateway ${gatewayId}` };
  const text = signingText(request, gatewayId, keyId, timeMs);
  const valid = verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url'));
  return valid ? { ok: true, gatewayId, keyId } : { ok: false, reason: 'signature does not match' };
}
