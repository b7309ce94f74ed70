import type { KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { KeyRotationBody } from './change-types.js';
import { tokenPublicKeyFromRaw } from '@gridbill/shared/token';

/**
 * Stores a key rotation from central (inside the caller's transaction): the new key, and the
 * retire time of the key it replaces (that key stays valid until then). Idempotent.
 * Example: { keyId: 'k-2', replacesKeyId: 'k-1', retireAtMs: T } → k-2 valid, k-1 until T.
 */
export function storeKeyRotation(db: Database, k: KeyRotationBody): void {
  db.prepare(
    'INSERT INTO sync_keys (purpose, key_id, public_key, valid_from_ms, retire_at_ms) ' +
      'VALUES (?, ?, ?, ?, NULL) ON CONFLICT (purpose, key_id) DO NOTHING',
  ).run(k.purpose, k.keyId, k.publicKeyBase64url, k.validFromMs);
  if (k.replacesKeyId !== null && k.retireAtMs !== null) {
    db.prepare(
      'UPDATE sync_keys SET retire_at_ms = ? WHERE purpose = ? AND key_id = ? AND ' +
        '(retire_at_ms IS NULL OR retire_at_ms > ?)',
    ).run(k.retireAtMs, k.purpose, k.replacesKeyId, k.retireAtMs);
  }
}

/**
 * A key central announced for `purpose`, if it is not retired at `nowMs`; undefined when
 * unknown, retired, or the sync tables do not exist (a gateway that never synced).
 * Example: trustedKey(db, 'token-verify', 'k-1', now) → KeyObject | undefined.
 */
export function trustedKey(
  db: Database,
  purpose: KeyRotationBody['purpose'],
  keyId: string,
  nowMs: number,
): KeyObject | undefined {
  let row: { public_key: string; retire_at_ms: number | null } | undefined;
  try {
    row = db
      .prepare('SELECT public_key, retire_at_ms FROM sync_keys WHERE purpose = ? AND key_id = ?')
      .get(purpose, keyId) as typeof row;
  } catch {
    return undefined;
  }
  if (!row || (row.retire_at_ms !== null && nowMs >= row.retire_at_ms)) return undefined;
  return tokenPublicKeyFromRaw(Buffer.from(row.public_key, 'base64url'));
}
