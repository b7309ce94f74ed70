import { z } from 'zod';
import { ALLOWED_INTERVAL_SECONDS } from '../interval-pack/index.js';
import { contentHash } from './content-hash.js';
import { intervalBlockBodySchema } from './interval-block.js';
import {
  currencyCodeSchema,
  energyWhSchema,
  epochMsSchema,
  minorUnitsSchema,
  objectIdSchema,
  seqSchema,
  uuidTextSchema,
} from './primitives.js';

/** Interval quality bitmask (bits defined in `@gridbill/shared/interval-pack`), 0 = actual. */
const qualityFlagsSchema = z.number().int().min(0).max(255);

/** A cumulative register read, keyed (meter, register, capture time). */
export const readingBodySchema = z.strictObject({
  meterId: objectIdSchema,
  register: z.string().min(1).max(64),
  capturedAtMs: epochMsSchema,
  valueWh: energyWhSchema,
  qualityFlags: qualityFlagsSchema,
});

/** One interval of consumption for a meter channel. */
export const intervalBodySchema = z.strictObject({
  meterId: objectIdSchema,
  channel: z.number().int().min(0).max(255),
  intervalStartMs: epochMsSchema,
  intervalSeconds: z
    .number()
    .int()
    .refine((seconds) => ALLOWED_INTERVAL_SECONDS.includes(seconds), {
      message: `intervalSeconds must be one of ${ALLOWED_INTERVAL_SECONDS.join(', ')}`,
    }),
  energyWh: energyWhSchema,
  qualityFlags: qualityFlagsSchema,
});

/** A consumption charge rated on the edge (charge id = meter × interval × tariff version). */
export const chargeBodySchema = z.strictObject({
  chargeId: uuidTextSchema,
  accountId: objectIdSchema,
  meterId: objectIdSchema,
  intervalStartMs: epochMsSchema,
  intervalSeconds: z.number().int().positive(),
  energyWh: energyWhSchema,
  amountMinor: minorUnitsSchema,
  currency: currencyCodeSchema,
  tariffVersionId: objectIdSchema,
  priceSource: z.enum(['tariff', 'fallback']),
});

/** A ledger movement applied on the edge (charge posted, credit applied, emergency credit...). */
export const balanceChangeBodySchema = z.strictObject({
  entryId: uuidTextSchema,
  accountId: objectIdSchema,
  entryKind: z.enum(['charge', 'credit', 'token', 'emergency-credit', 'fixed-fee', 'adjustment']),
  amountMinor: minorUnitsSchema,
  currency: currencyCodeSchema,
  balanceAfterMinor: minorUnitsSchema,
  reference: z.string().min(1).max(200),
});

/** A relay as read back; `armed` = ready for reconnection (the customer presses the button). */
export const relayStateSchema = z.enum(['connected', 'disconnected', 'armed', 'unknown']);

/** Outcome of a relay operation; `commandId` links it to a central order or MQTT command. */
export const relayEventBodySchema = z.strictObject({
  meterId: objectIdSchema,
  commandId: objectIdSchema.nullable(),
  action: z.enum(['connect', 'disconnect']),
  outcome: z.enum(['done', 'failed', 'expired', 'refused']),
  reason: z.string().min(1).max(200),
  relayStateAfter: relayStateSchema,
});

export const alarmBodySchema = z.strictObject({
  alarmId: objectIdSchema,
  code: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
  severity: z.enum(['info', 'warning', 'critical']),
  meterId: objectIdSchema.nullable(),
  message: z.string().max(500),
});

/** An offline top-up token redeemed at the gateway (token id = ledger entry id). */
export const tokenRedemptionBodySchema = z.strictObject({
  tokenId: uuidTextSchema,
  accountId: objectIdSchema,
  amountMinor: minorUnitsSchema,
  currency: currencyCodeSchema,
  keyId: objectIdSchema,
});

export const upstreamBodySchemas = {
  reading: readingBodySchema,
  interval: intervalBodySchema,
  charge: chargeBodySchema,
  'balance-change': balanceChangeBodySchema,
  'relay-event': relayEventBodySchema,
  alarm: alarmBodySchema,
  'token-redemption': tokenRedemptionBodySchema,
  /** A poll cycle's intervals, charges, register reads and balance movements, columnar. */
  'interval-block': intervalBlockBodySchema,
} as const;

export type UpstreamEventKind = keyof typeof upstreamBodySchemas;
export const upstreamEventKinds = Object.keys(upstreamBodySchemas) as UpstreamEventKind[];

const envelopeShape = {
  seq: seqSchema,
  /** Deterministic id of the domain fact (e.g. contentId('reading', meter, register, ms)). */
  eventId: uuidTextSchema,
  occurredAtMs: epochMsSchema,
  /** false when the gateway clock was free-running (not NTP/GPS synced). */
  clockTrusted: z.boolean(),
};

function eventSchema<K extends UpstreamEventKind>(kind: K) {
  return z.strictObject({
    ...envelopeShape,
    kind: z.literal(kind),
    body: upstreamBodySchemas[kind],
  });
}

/**
 * One outbox event.
 * Example: { seq: 7, eventId: '0190…', occurredAtMs: 1767225600000, clockTrusted: true,
 *            kind: 'interval', body: { meterId: 'm1', channel: 0, … } }
 */
export const upstreamEventSchema = z.discriminatedUnion('kind', [
  eventSchema('reading'),
  eventSchema('interval'),
  eventSchema('charge'),
  eventSchema('balance-change'),
  eventSchema('relay-event'),
  eventSchema('alarm'),
  eventSchema('token-redemption'),
  eventSchema('interval-block'),
]);

export type UpstreamEvent = z.output<typeof upstreamEventSchema>;
export type UpstreamEventWire = z.input<typeof upstreamEventSchema>;

/** The envelope with the body left unparsed, so one bad body can be quarantined alone. */
export const looseEventSchema = z.strictObject({
  ...envelopeShape,
  kind: z.string().min(1).max(64),
  body: z.unknown(),
});
export type LooseEvent = z.output<typeof looseEventSchema>;

/**
 * Hash identifying an event's content for duplicate/divergence checks. Covers id, kind,
 * time and body, not the seq. Same value for the decoded (bigint) and wire (string) form.
 */
export function eventContentHash(event: {
  eventId: string;
  kind: string;
  occurredAtMs: number;
  clockTrusted: boolean;
  body: unknown;
}): string {
  const { eventId, kind, occurredAtMs, clockTrusted, body } = event;
  return contentHash({ eventId, kind, occurredAtMs, clockTrusted, body });
}
