import { createHash, type KeyObject, verify } from 'node:crypto';
import { TARIFF_SIGNING_CONTEXT } from '@gridbill/shared/sync';
import { tokenPublicKeyFromRaw } from '@gridbill/shared/token';
import type { Engine } from '../engine/engine.js';
import { raiseAlarm } from '../engine/events.js';
import { storeTariffVersion } from '../gateway/tariff-store.js';
import type { TariffVersionBody } from './change-types.js';
import { trustedKey } from './trusted-keys.js';

/**
 * Why a tariff version from central is refused, or null when it is authentic: the document
 * hash, the `tariff-verify` key (from key rotations, or a configured token key of that id:
 * central signs tokens and tariffs with one key) and the Ed25519 signature over the text.
 * Example: a document changed after signing → 'document hash … does not match'.
 */
export function tariffVersionProblem(engine: Engine, v: TariffVersionBody): string | null {
  const text = JSON.stringify(v.document);
  const hash = createHash('sha256').update(text).digest('hex');
  if (hash !== v.documentHash) return `document hash ${hash} does not match ${v.documentHash}`;
  if (v.document.versionId !== v.tariffVersionId || v.document.tariffId !== v.tariffId)
    return `document is ${String(v.document.versionId)}, not ${v.tariffVersionId}`;
  const key = verifyKey(engine, v.signature.keyId);
  if (!key) return `tariff-verify key ${v.signature.keyId} is unknown or retired`;
  const signed = Buffer.concat([
    Buffer.from(TARIFF_SIGNING_CONTEXT, 'latin1'),
    Buffer.from(text, 'utf8'),
  ]);
  const signature = Buffer.from(v.signature.ed25519Base64url, 'base64url');
  if (!verify(null, signed, key, signature)) return `bad signature by key ${v.signature.keyId}`;
  return null;
}

function verifyKey(engine: Engine, keyId: string): KeyObject | undefined {
  const now = engine.deps.clock.wallMs();
  const synced = trustedKey(engine.deps.db, 'tariff-verify', keyId, now);
  if (synced) return synced;
  const configured = engine.deps.config.tokens.publicKeys.find((k) => k.kid === keyId);
  return configured ? tokenPublicKeyFromRaw(Buffer.from(configured.publicKey, 'hex')) : undefined;
}

/**
 * Verifies and installs a tariff version (inside the inbox transaction). A refused version is
 * logged and raises a `tariff-version-rejected` alarm; the caller still advances the
 * checkpoint so the feed never stalls on it.
 * Example: authentic new version → 'applied'; same again → 'duplicate'; forged → 'rejected'.
 */
export function applyTariffVersion(
  engine: Engine,
  v: TariffVersionBody,
): 'applied' | 'duplicate' | 'rejected' {
  let problem = tariffVersionProblem(engine, v);
  if (problem === null) {
    try {
      return storeTariffVersion(engine.deps.db, v.document, v.effectiveFromMs) === 'stored'
        ? 'applied'
        : 'duplicate';
    } catch (err) {
      problem = (err as Error).message;
    }
  }
  engine.deps.logger.warn({ tariffVersionId: v.tariffVersionId, problem }, 'tariff refused');
  raiseAlarm(engine, {
    code: 'tariff-version-rejected',
    severity: 'critical',
    meterId: null,
    message: `tariff version ${v.tariffVersionId} refused: ${problem}`,
    key: [v.tariffVersionId, v.documentHash],
  });
  return 'rejected';
}
