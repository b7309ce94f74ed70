import { type KeyObject, sign, verify } from 'node:crypto';
import { decodePayload, encodePayload } from './token-bytes.js';
import {
  SIGNATURE_BYTES,
  SIGNING_CONTEXT,
  TokenFormatError,
  type TopUpToken,
} from './token-format.js';

const context = Buffer.from(SIGNING_CONTEXT, 'latin1');
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

function signedBytes(payload: Uint8Array): Buffer {
  return Buffer.concat([context, payload]);
}

/**
 * Signs a token and returns its text form: base64url (no padding) of `payload ‖ signature`.
 * Ed25519 is deterministic, so the same token and key always give the same text.
 */
export function signToken(token: TopUpToken, privateKey: KeyObject): string {
  const payload = encodePayload(token);
  const signature = sign(null, signedBytes(payload), privateKey);
  return Buffer.concat([payload, signature]).toString('base64url');
}

/** Splits token text into its fields, payload and signature; throws `TokenFormatError`. */
export function decodeToken(text: string): {
  token: TopUpToken;
  payload: Uint8Array;
  signature: Uint8Array;
} {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 400 || !BASE64URL_RE.test(trimmed)) {
    throw new TokenFormatError('text', 'must be 1..400 base64url characters');
  }
  const bytes = Buffer.from(trimmed, 'base64url');
  const { token, length } = decodePayload(bytes);
  if (bytes.length !== length + SIGNATURE_BYTES) {
    throw new TokenFormatError('signature', `must be ${SIGNATURE_BYTES} bytes after the payload`);
  }
  return {
    token,
    payload: Uint8Array.from(bytes.subarray(0, length)),
    signature: Uint8Array.from(bytes.subarray(length)),
  };
}

/** Why a token was refused. */
export type TokenRejection =
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-gateway'
  | 'wrong-account'
  | 'not-yet-valid'
  | 'expired';

export type TokenCheck =
  | { ok: true; token: TopUpToken }
  | { ok: false; reason: TokenRejection; detail: string };

export interface VerifyOptions {
  /** Public key for a key id, or undefined when unknown or revoked. */
  publicKeyFor: (keyId: string) => KeyObject | undefined;
  /** The verifying gateway's id; tokens for other gateways are refused. */
  gatewayId: string;
  /** Trusted UTC epoch ms now (from the caller's clock). */
  nowMs: number;
  /** If given, the token must credit this account. */
  accountId?: string;
  /** How far `issuedAtMs` may be ahead of `nowMs` (clock skew), default 5 minutes. */
  maxFutureSkewMs?: number;
}

/**
 * Verifies token text: format, signature (domain-separated), gateway and account binding,
 * issue time and expiry. Replay (an already redeemed `tokenId`) is the caller's check.
 */
export function verifyToken(text: string, opts: VerifyOptions): TokenCheck {
  let decoded: ReturnType<typeof decodeToken>;
  try {
    decoded = decodeToken(text);
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: (err as Error).message };
  }
  const { token, payload, signature } = decoded;
  const key = opts.publicKeyFor(token.keyId);
  if (!key) return { ok: false, reason: 'unknown-key', detail: `key ${token.keyId} not known` };
  if (!verify(null, signedBytes(payload), key, signature)) {
    return { ok: false, reason: 'bad-signature', detail: 'signature does not verify' };
  }
  return checkBinding(token, opts);
}

function checkBinding(token: TopUpToken, opts: VerifyOptions): TokenCheck {
  if (token.gatewayId !== opts.gatewayId) {
    return { ok: false, reason: 'wrong-gateway', detail: `token is for ${token.gatewayId}` };
  }
  if (opts.accountId !== undefined && token.accountId !== opts.accountId) {
    return { ok: false, reason: 'wrong-account', detail: `token is for ${token.accountId}` };
  }
  const skewMs = opts.maxFutureSkewMs ?? 300_000;
  if (token.issuedAtMs > opts.nowMs + skewMs) {
    return { ok: false, reason: 'not-yet-valid', detail: 'issued in the future' };
  }
  if (opts.nowMs >= token.expiresAtMs) {
    return { ok: false, reason: 'expired', detail: `expired at ${token.expiresAtMs}` };
  }
  return { ok: true, token };
}
