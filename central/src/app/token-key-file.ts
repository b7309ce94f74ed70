import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RandomSource } from '@gridbill/shared/ids';
import { type TokenKeyPair, tokenKeyPairFromSeed, tokenPublicKeyRaw } from '@gridbill/shared/token';

/**
 * Loads the Ed25519 issuing key (32-byte seed, hex, mode 0600) or creates it on first start.
 * The key id is `k-` + the first 8 hex digits of SHA-256 of the raw public key.
 */
export function loadOrCreateTokenKey(file: string, random: RandomSource): TokenKeyPair {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${Buffer.from(random(32)).toString('hex')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${file}: expected 64 hex digits (an Ed25519 seed)`);
  const seed = Buffer.from(hex, 'hex');
  const probe = tokenKeyPairFromSeed('probe', seed);
  const raw = tokenPublicKeyRaw(probe.publicKey);
  const keyId = `k-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  return { ...probe, keyId };
}
