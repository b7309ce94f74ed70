import { smallInt } from '../store/int.js';
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { instantOf, readTariffDocument, type TariffVersion } from '@gridbill/shared/tariff';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';

/** Domain separation for tariff version signatures (gateways verify the stored text). */
export const TARIFF_SIGNING_CONTEXT = 'gridbill-tariff-version-v1\0';

/**
 * The one place tariff documents are validated: native versions, arrays of them, or a URDB
 * rate (converted in `timeZone`). Throws a 422 naming the path inside the document.
 */
export function validateTariffDocument(raw: unknown, timeZone?: string): TariffVersion[] {
  try {
    return readTariffDocument(raw, timeZone);
  } catch (err) {
    const path = (err as { path?: string }).path;
    throw new Problem(
      422,
      'invalid-tariff',
      (err as Error).message,
      `/document${path ? `/${path.replaceAll('.', '/')}` : ''}`,
    );
  }
}

const signedBytes = (text: string) =>
  Buffer.concat([Buffer.from(TARIFF_SIGNING_CONTEXT, 'latin1'), Buffer.from(text, 'utf8')]);

/** Verifies a stored version's signature (what a gateway does before using it). */
export function verifyTariffSignature(
  documentText: string,
  signatureB64: string,
  publicKey: KeyObject,
): boolean {
  return verify(null, signedBytes(documentText), publicKey, Buffer.from(signatureB64, 'base64'));
}

/**
 * Imports tariff versions: each is stored as its JSON text with a SHA-256 and an Ed25519
 * signature by the issuing key. Versions are immutable: the same version again is a no-op,
 * a changed document under an existing versionId is refused.
 */
export function importTariffVersions(
  ctx: AppContext,
  actor: Actor,
  raw: unknown,
  timeZone?: string,
) {
  const versions = validateTariffDocument(raw, timeZone);
  return auditedWrite(ctx, actor, 'tariff.import', async (trx) => {
    const out = [];
    for (const v of versions) out.push(await storeVersion(ctx, trx, v));
    return {
      result: out,
      target: `tariff:${versions[0]!.tariffId}`,
      details: { versions: out.map((o) => o.versionId) },
    };
  });
}

async function storeVersion(ctx: AppContext, trx: Kysely<Database>, v: TariffVersion) {
  const text = JSON.stringify(v);
  const sha = createHash('sha256').update(text).digest('hex');
  const nowMs = BigInt(ctx.clock.wallMs());
  const existing = await trx
    .selectFrom('tariff_versions')
    .selectAll()
    .where('id', '=', v.versionId)
    .executeTakeFirst();
  if (existing) {
    if (existing.document_sha256 !== sha) {
      throw new Problem(
        409,
        'tariff-version-immutable',
        `version ${v.versionId} exists with other content; issue a new versionId`,
        '/document/versionId',
      );
    }
    return { tariffId: v.tariffId, versionId: v.versionId, status: 'exists', sha256: sha };
  }
  const tariff = await trx
    .selectFrom('tariffs')
    .select('id')
    .where('id', '=', v.tariffId)
    .executeTakeFirst();
  if (!tariff) {
    await trx
      .insertInto('tariffs')
      .values({
        id: v.tariffId,
        name: v.name ?? v.tariffId,
        currency: v.currency,
        created_at_ms: nowMs,
      })
      .execute();
  }
  const signature = sign(null, signedBytes(text), ctx.tokenKey.privateKey).toString('base64');
  await trx
    .insertInto('tariff_versions')
    .values({
      id: v.versionId,
      tariff_id: v.tariffId,
      effective_from_ms: BigInt(instantOf(v.effectiveFrom, v.timeZone)),
      document: text,
      document_sha256: sha,
      key_id: ctx.tokenKey.keyId,
      signature,
      created_at_ms: nowMs,
    })
    .execute();
  return { tariffId: v.tariffId, versionId: v.versionId, status: 'created', sha256: sha };
}

/** Tariffs with their versions (newest effective first), without the documents. */
export async function listTariffs(db: Kysely<Database>) {
  const tariffs = await db.selectFrom('tariffs').selectAll().orderBy('id').execute();
  const versions = await db
    .selectFrom('tariff_versions')
    .select(['id', 'tariff_id', 'effective_from_ms', 'document_sha256', 'key_id'])
    .orderBy('effective_from_ms', 'desc')
    .execute();
  return tariffs.map((t) => ({
    id: t.id,
    name: t.name,
    currency: t.currency,
    versions: versions
      .filter((v) => v.tariff_id === t.id)
      .map((v) => ({
        versionId: v.id,
        effectiveFromMs: smallInt(v.effective_from_ms),
        sha256: v.document_sha256,
        keyId: v.key_id,
      })),
  }));
}

/** One stored version: document text and signature, for distribution to gateways. */
export async function getTariffVersion(db: Kysely<Database>, versionId: string) {
  return db
    .selectFrom('tariff_versions')
    .selectAll()
    .where('id', '=', versionId)
    .executeTakeFirst();
}
