import { tokenPublicKeyRaw } from '@gridbill/shared/token';
import type { KeyObject } from 'node:crypto';
import { appendChange } from './change-feed.js';
import { feedBodies, latestBy } from './feed-state.js';
import type { SyncTrx } from './sync-schema.js';

/** Central's current signing key (tokens and tariff versions) as the feed announces it. */
export interface FeedSigningKey {
  keyId: string;
  publicKey: KeyObject;
  /** How long the key it replaces stays valid (tokens signed by it may still be typed). */
  replacedKeyGraceMs: number;
}

const KEY_PURPOSES = ['token-verify', 'tariff-verify'] as const;

/**
 * `key-rotation` changes: one per purpose and key id. When the current key differs from the
 * feed's latest one for a purpose, the new key replaces it and the old one retires after the
 * grace period. Example: first pull → 2 changes (token-verify, tariff-verify), replaces null.
 */
export async function deriveKeyRotations(
  trx: SyncTrx,
  gatewayId: string,
  key: FeedSigningKey,
  nowMs: number,
): Promise<number> {
  const latest = latestBy(await feedBodies(trx, gatewayId, 'key-rotation'), 'purpose');
  const publicKeyBase64url = Buffer.from(tokenPublicKeyRaw(key.publicKey)).toString('base64url');
  let appended = 0;
  for (const purpose of KEY_PURPOSES) {
    const previous = latest.get(purpose);
    if (previous?.keyId === key.keyId) continue;
    const replaces = typeof previous?.keyId === 'string' ? previous.keyId : null;
    const body = {
      keyId: key.keyId,
      purpose,
      algorithm: 'ed25519',
      publicKeyBase64url,
      validFromMs: nowMs,
      replacesKeyId: replaces,
      retireAtMs: replaces === null ? null : nowMs + key.replacedKeyGraceMs,
    };
    const sourceKey = `${purpose}:${key.keyId}`;
    if (await appendChange(trx, gatewayId, 'key-rotation', sourceKey, body, nowMs)) appended += 1;
  }
  return appended;
}

interface AccountRow {
  id: string;
  currency: string;
  mode: string;
  tariff_id: string | null;
}

/** Accounts of a gateway (their premise has one of its meters installed), with a tariff. */
export async function gatewayAccounts(trx: SyncTrx, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  const rows: AccountRow[] = await trx
    .selectFrom('accounts')
    .select(['id', 'currency', 'mode', 'tariff_id'])
    .where('id', 'in', [...accountIds])
    .orderBy('id')
    .execute();
  return rows.filter((r) => r.tariff_id !== null);
}

/**
 * `account-assignment` changes: a new version whenever an account's tariff, mode or currency
 * differs from the feed's latest version for it (version = previous + 1, change id per
 * version, so deriving again appends nothing). Accounts without a tariff are not sent yet.
 * Example: account A-1 gets tariff t-res → { accountId, tariffId: 't-res', version: 1 }.
 */
export async function deriveAccountAssignments(
  trx: SyncTrx,
  gatewayId: string,
  accountIds: readonly string[],
  nowMs: number,
): Promise<number> {
  const latest = latestBy(await feedBodies(trx, gatewayId, 'account-assignment'), 'accountId');
  let appended = 0;
  for (const a of await gatewayAccounts(trx, accountIds)) {
    const previous = latest.get(a.id);
    const body = {
      accountId: a.id,
      currency: a.currency,
      mode: a.mode,
      status: 'active',
      tariffId: a.tariff_id,
      version: Number(previous?.version ?? 0) + 1,
    };
    if (previous && sameAccount(previous, body)) continue;
    const key = `${a.id}:${body.version}`;
    if (await appendChange(trx, gatewayId, 'account-assignment', key, body, nowMs)) appended += 1;
  }
  return appended;
}

function sameAccount(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return (['currency', 'mode', 'status', 'tariffId'] as const).every((k) => a[k] === b[k]);
}

/**
 * `tariff-version` changes: every stored version of the tariffs the gateway's accounts use,
 * as soon as it is imported (so ahead of its effective date), with central's signature.
 * Example: tariff t-res with versions v1, v2 → 2 changes (sourceKey = version id).
 */
export async function deriveTariffVersions(
  trx: SyncTrx,
  gatewayId: string,
  accountIds: readonly string[],
  nowMs: number,
): Promise<number> {
  const tariffIds = [
    ...new Set((await gatewayAccounts(trx, accountIds)).map((a) => a.tariff_id as string)),
  ];
  if (tariffIds.length === 0) return 0;
  const rows = await trx
    .selectFrom('tariff_versions')
    .selectAll()
    .where('tariff_id', 'in', tariffIds)
    .orderBy('effective_from_ms')
    .orderBy('id')
    .execute();
  let appended = 0;
  for (const r of rows) {
    const document = JSON.parse(r.document) as Record<string, unknown>;
    const body = {
      tariffVersionId: r.id,
      tariffId: r.tariff_id,
      effectiveFromMs: Number(r.effective_from_ms),
      timeZone: String(document.timeZone),
      currency: String(document.currency),
      documentHash: r.document_sha256,
      signature: {
        keyId: r.key_id,
        ed25519Base64url: Buffer.from(r.signature, 'base64').toString('base64url'),
      },
      document,
    };
    if (await appendChange(trx, gatewayId, 'tariff-version', r.id, body, nowMs)) appended += 1;
  }
  return appended;
}
