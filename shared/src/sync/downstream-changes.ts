import { z } from 'zod';
import {
  cseqSchema,
  currencyCodeSchema,
  epochMsSchema,
  gatewayIdSchema,
  minorUnitsSchema,
  objectIdSchema,
  protocolVersionSchema,
  timeZoneSchema,
  uuidTextSchema,
} from './primitives.js';

/** Domain separation prefix of tariff version signatures (central signs, gateways verify). */
export const TARIFF_SIGNING_CONTEXT = 'gridbill-tariff-version-v1\0';

/**
 * A tariff version, sent ahead of its effective date; `document` is the tariff itself.
 * The signed text is `JSON.stringify(document)` (key order as sent); `signature` is Ed25519
 * over 'gridbill-tariff-version-v1\0' + that text by a `tariff-verify` key.
 */
export const tariffVersionBodySchema = z.strictObject({
  tariffVersionId: objectIdSchema,
  tariffId: objectIdSchema,
  effectiveFromMs: epochMsSchema,
  timeZone: timeZoneSchema,
  currency: currencyCodeSchema,
  /** sha256 hex of the signed text (`JSON.stringify(document)`). */
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.strictObject({ keyId: objectIdSchema, ed25519Base64url: z.string().min(1) }),
  document: z.record(z.string(), z.unknown()),
});

export const accountAssignmentBodySchema = z.strictObject({
  accountId: objectIdSchema,
  currency: currencyCodeSchema,
  /** Enforcement: prepaid accounts are disconnected at the threshold; hybrid start prepaid. */
  mode: z.enum(['prepaid', 'postpaid', 'hybrid']),
  status: z.enum(['active', 'suspended', 'closed']),
  tariffId: objectIdSchema,
  /** Monotonic per account; the edge ignores an older version than it holds. */
  version: z.number().int().min(1),
});

export const meterAssignmentBodySchema = z.strictObject({
  meterId: objectIdSchema,
  /** null = meter unassigned from any account (kept on the bus, not billed). */
  accountId: objectIdSchema.nullable(),
  validFromMs: epochMsSchema,
  version: z.number().int().min(1),
});

/** A central ledger credit for an account on this gateway (payment, adjustment, token issue). */
export const creditBodySchema = z.strictObject({
  /** Ledger entry id; equals the token id for an offline-token top-up. */
  entryId: uuidTextSchema,
  accountId: objectIdSchema,
  /** Positive = credit; a re-rating adjustment that debits the account is negative. */
  amountMinor: minorUnitsSchema,
  currency: currencyCodeSchema,
  source: z.enum(['payment', 'adjustment', 'token-issue', 'refund-reversal']),
  reference: z.string().min(1).max(200),
  postedAtMs: epochMsSchema,
});

/** A manual relay order; higher priority wins, expired orders are refused upstream. */
export const relayOrderBodySchema = z
  .strictObject({
    orderId: objectIdSchema,
    meterId: objectIdSchema,
    action: z.enum(['connect', 'disconnect', 'lock', 'unlock']),
    /** 0 (lowest, credit logic) .. 9 (safety lock). */
    priority: z.number().int().min(0).max(9),
    reason: z.string().min(1).max(200),
    issuedAtMs: epochMsSchema,
    expiresAtMs: epochMsSchema,
  })
  .refine((order) => order.expiresAtMs > order.issuedAtMs, {
    message: 'expiresAtMs must be after issuedAtMs',
    path: ['expiresAtMs'],
  });

export const keyRotationBodySchema = z.strictObject({
  keyId: objectIdSchema,
  purpose: z.enum(['token-verify', 'tariff-verify', 'request-sign']),
  algorithm: z.literal('ed25519'),
  /** Raw 32-byte public key, base64url (43 chars). */
  publicKeyBase64url: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  validFromMs: epochMsSchema,
  /** The key this one replaces; it stays valid until `retireAtMs`. */
  replacesKeyId: objectIdSchema.nullable(),
  retireAtMs: epochMsSchema.nullable(),
});

export const downstreamBodySchemas = {
  'tariff-version': tariffVersionBodySchema,
  'account-assignment': accountAssignmentBodySchema,
  'meter-assignment': meterAssignmentBodySchema,
  credit: creditBodySchema,
  'relay-order': relayOrderBodySchema,
  'key-rotation': keyRotationBodySchema,
} as const;

export type DownstreamChangeKind = keyof typeof downstreamBodySchemas;

function changeSchema<K extends DownstreamChangeKind>(kind: K) {
  return z.strictObject({
    /** Central's per-gateway feed position; the edge applies it with its inbox row. */
    cseq: cseqSchema.min(1),
    changeId: uuidTextSchema,
    kind: z.literal(kind),
    body: downstreamBodySchemas[kind],
  });
}

export const downstreamChangeSchema = z.discriminatedUnion('kind', [
  changeSchema('tariff-version'),
  changeSchema('account-assignment'),
  changeSchema('meter-assignment'),
  changeSchema('credit'),
  changeSchema('relay-order'),
  changeSchema('key-rotation'),
]);
export type DownstreamChange = z.output<typeof downstreamChangeSchema>;
export type DownstreamChangeWire = z.input<typeof downstreamChangeSchema>;

/**
 * Opaque-to-the-edge checkpoint (RxDB style). `feedEpoch` changes when central rebuilds a
 * gateway's feed; the edge then takes a snapshot instead of continuing.
 * Example: { feedEpoch: 'e1', cseq: 120 }
 */
export const checkpointSchema = z.strictObject({
  feedEpoch: z.string().min(1).max(64),
  cseq: cseqSchema,
});
export type Checkpoint = z.output<typeof checkpointSchema>;

/**
 * GET /sync/v1/gw/:gw/changes?epoch=e1&after=120&limit=500 answer. `checkpoint` is the
 * position after the last change (or the request's when empty); `hasMore` asks for another pull.
 */
export const changeFeedPageSchema = z
  .strictObject({
    v: protocolVersionSchema,
    gatewayId: gatewayIdSchema,
    changes: z.array(downstreamChangeSchema),
    checkpoint: checkpointSchema,
    hasMore: z.boolean(),
  })
  .superRefine((page, ctx) => {
    let previous = 0;
    page.changes.forEach((change, index) => {
      if (change.cseq <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: ['changes', index, 'cseq'],
          message: `cseq must increase: ${change.cseq} after ${previous}`,
        });
      }
      previous = change.cseq;
    });
    if (page.changes.length > 0 && page.checkpoint.cseq !== previous) {
      ctx.addIssue({
        code: 'custom',
        path: ['checkpoint', 'cseq'],
        message: `checkpoint cseq ${page.checkpoint.cseq} must equal the last change's ${previous}`,
      });
    }
  });
export type ChangeFeedPage = z.output<typeof changeFeedPageSchema>;
export type ChangeFeedPageWire = z.input<typeof changeFeedPageSchema>;
