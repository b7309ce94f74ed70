/**
 * Offline top-up tokens (format version 1), signed by central with Ed25519, verified by
 * gateways with public keys only.
 *
 * Text form: base64url without padding of `payload ‖ signature(64)`; the signature covers
 * `"gridbill-topup-token-v1\0" ‖ payload`. Payload, big-endian:
 * `version u8 (=1) | tokenId 16 bytes (UUID) | keyId u8 len + UTF-8 | gatewayId u8 len + UTF-8 |
 *  accountId u8 len + UTF-8 | amountMinor u64 | currency 3 ASCII | issuedAtMs u48 |
 *  expiresAtMs u48`.
 *
 * @example Exact vector (also in token.test.ts): key seed = 32 bytes of 0x07, keyId 'k1'
 * (public key hex ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c),
 * token { tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3b', keyId: 'k1', gatewayId: 'gw-001',
 *   accountId: 'ACC-1001', amountMinor: 50000n, currency: 'KES',
 *   issuedAtMs: 1764316800000, expiresAtMs: 1766908800000 }
 * signToken(token, key.privateKey) ===
 * 'AQGS8MEtPopLnF1uf4CRKjsCazEGZ3ctMDAxCEFDQy0xMDAxAAAAAAAAw1BLRVMBmsl55AABm2P4rAAt5VsJNvo-gZE9'
 * + 'kTUx-8yhZjQCmJorIxAizmFWgEq20vOTUHqXBHKqlEdXi4Y5qoAqlYqXi5pEpm8HrE7IS7AN'   (164 chars)
 * verifyToken(text, { publicKeyFor: () => key.publicKey, gatewayId: 'gw-001',
 *   nowMs: 1764316800000 }) → { ok: true, token }
 * The gateway must still refuse a `tokenId` it has already redeemed (replay store).
 */
export {
  SIGNATURE_BYTES,
  SIGNING_CONTEXT,
  TOKEN_VERSION,
  TokenFormatError,
  type TopUpToken,
} from './token-format.js';
export { decodePayload, encodePayload } from './token-bytes.js';
export {
  type TokenKeyPair,
  tokenKeyPairFromSeed,
  tokenPublicKeyFromRaw,
  tokenPublicKeyRaw,
} from './token-keys.js';
export {
  decodeToken,
  signToken,
  type TokenCheck,
  type TokenRejection,
  type VerifyOptions,
  verifyToken,
} from './token-sign.js';
