/**
 * Offline top-up token, version 1: the fields a gateway needs to credit an account without a
 * network. Central signs it with Ed25519; gateways verify it with public keys only.
 *
 * `tokenId` is the central ledger entry id of the top-up, so an online delivery and an offline
 * redemption of the same top-up carry one id and the gateway never credits twice.
 */
export interface TopUpToken {
  /** UUID (lower-case, hyphenated); equals the ledger entry id of the top-up. */
  tokenId: string;
  /** Issuing key id (1..32 bytes UTF-8), looked up by the verifier. */
  keyId: string;
  /** Gateway the token may be redeemed at (1..64 bytes UTF-8). */
  gatewayId: string;
  /** Account credited (1..64 bytes UTF-8). */
  accountId: string;
  /** Credit in the currency's minor unit, 1 .. 2^63-1. */
  amountMinor: bigint;
  /** ISO 4217 code, three upper-case letters. */
  currency: string;
  /** UTC epoch milliseconds when central issued it (0 .. 2^48-1). */
  issuedAtMs: number;
  /** UTC epoch milliseconds after which gateways reject it; greater than `issuedAtMs`. */
  expiresAtMs: number;
}

/** Format version written in the first byte. */
export const TOKEN_VERSION = 1;

/** Ed25519 signature length in bytes. */
export const SIGNATURE_BYTES = 64;

/** Domain separation prefix signed before the payload, so no other message verifies. */
export const SIGNING_CONTEXT = 'gridbill-topup-token-v1\0';

/** Raised when a token cannot be encoded or decoded; `field` names the offending field. */
export class TokenFormatError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`token ${field}: ${message}`);
    this.name = 'TokenFormatError';
    this.field = field;
  }
}
