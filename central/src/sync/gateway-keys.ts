import type { KeyObject } from 'node:crypto';
import { ed25519PublicKeyFromRaw } from '@gridbill/shared/sync';
import type { SyncDb } from './sync-schema.js';

/**
 * Registers a gateway's request-signing public key (raw 32 bytes, base64url). Idempotent for
 * the same key; a different key under an existing id is refused.
 * Example: registerGatewayKey(db, 'gw-1', 'k1', 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik', t)
 */
export async function registerGatewayKey(
  db: SyncDb,
  gatewayId: string,
  keyId: string,
  publicKeyB64: string,
  atMs: number,
): Promise<void> {
  ed25519PublicKeyFromRaw(Buffer.from(publicKeyB64, 'base64url'));
  const prior = await db
    .selectFrom('sync_gateway_keys')
    .select('public_key')
    .where('gateway_id', '=', gatewayId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  if (prior && prior.public_key !== publicKeyB64)
    throw new Error(`key ${keyId} of gateway ${gatewayId} is already registered as another key`);
  if (prior) return;
  await db
    .insertInto('sync_gateway_keys')
    .values({
      gateway_id: gatewayId,
      key_id: keyId,
      public_key: publicKeyB64,
      created_at_ms: BigInt(atMs),
      retired_at_ms: null,
    })
    .execute();
}

/** Active keys of one gateway, as KeyObjects by key id. */
export async function activeKeys(db: SyncDb, gatewayId: string): Promise<Map<string, KeyObject>> {
  const rows = await db
    .selectFrom('sync_gateway_keys')
    .select(['key_id', 'public_key'])
    .where('gateway_id', '=', gatewayId)
    .where('retired_at_ms', 'is', null)
    .execute();
  return new Map(
    rows.map((r) => [r.key_id, ed25519PublicKeyFromRaw(Buffer.from(r.public_key, 'base64url'))]),
  );
}
