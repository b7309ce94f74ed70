import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

// DER prefixes of PKCS#8 / SPKI wrappers around a raw 32-byte Ed25519 seed / public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 issuing key pair; `keyId` travels in every token it signs. */
export interface TokenKeyPair {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function check32(what: string, bytes: Uint8Array): void {
  if (bytes.length !== 32) throw new Error(`${what} must be 32 bytes, got ${bytes.length}`);
}

/**
 * Derives an Ed25519 key pair from a 32-byte seed (the caller supplies the randomness).
 *
 * @example
 * tokenKeyPairFromSeed('k1', new Uint8Array(32).fill(7)).publicKey  // raw public key
 * // 'ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c' (hex)
 */
export function tokenKeyPairFromSeed(keyId: string, seed: Uint8Array): TokenKeyPair {
  check32('Ed25519 seed', seed);
  const der = Buffer.concat([PKCS8_PREFIX, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { keyId, privateKey, publicKey: createPublicKey(privateKey) };
}

/** Public key from its raw 32 bytes (how gateways receive issuing keys). */
export function tokenPublicKeyFromRaw(raw: Uint8Array): KeyObject {
  check32('Ed25519 public key', raw);
  const der = Buffer.concat([SPKI_PREFIX, raw]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

/** Raw 32-byte public key, for distribution to gateways (hex or base64 by the caller). */
export function tokenPublicKeyRaw(publicKey: KeyObject): Uint8Array {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return Uint8Array.from(der.subarray(der.length - 32));
}
