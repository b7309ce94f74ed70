import { z } from 'zod';
import { checkpointSchema, relayOrderBodySchema } from './downstream-changes.js';
import { epochMsSchema, objectIdSchema, protocolVersionSchema } from './primitives.js';
import { relayStateSchema } from './upstream-events.js';

/**
 * `cmd/pull`: "the change feed moved, pull now". Only a hint: the edge also pulls on a timer,
 * so a lost hint only delays. Example: { v: 1, checkpoint: { feedEpoch: 'e1', cseq: 121 } }
 */
export const pullHintSchema = z.strictObject({
  v: protocolVersionSchema,
  checkpoint: checkpointSchema,
});
export type PullHint = z.output<typeof pullHintSchema>;

/**
 * `cmd/relay`: a low-latency copy of a relay order. The same order also arrives through the
 * change feed; the edge executes an order id once and reports the outcome upstream as a
 * relay-event (HTTP) with `commandId` = `orderId`.
 */
export const relayCommandSchema = z.strictObject({
  v: protocolVersionSchema,
  order: relayOrderBodySchema,
});
export type RelayCommand = z.output<typeof relayCommandSchema>;

/** `up/telemetry`: live values, lossy by design (QoS 0). Integer units in the key names. */
export const telemetrySchema = z.strictObject({
  v: protocolVersionSchema,
  meterId: objectIdSchema,
  capturedAtMs: epochMsSchema,
  values: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/), z.number().int()),
});
export type Telemetry = z.output<typeof telemetrySchema>;

/** `up/relay-outcome`: fast notice of an executed command (the HTTP relay-event is the record). */
export const relayOutcomeSchema = z.strictObject({
  v: protocolVersionSchema,
  commandId: objectIdSchema,
  meterId: objectIdSchema,
  outcome: z.enum(['done', 'failed', 'expired', 'refused']),
  relayStateAfter: relayStateSchema,
  atMs: epochMsSchema,
});
export type RelayOutcome = z.output<typeof relayOutcomeSchema>;

/** `up/status` (retained; also the last will with online: false). */
export const gatewayStatusSchema = z.strictObject({
  v: protocolVersionSchema,
  online: z.boolean(),
  atMs: epochMsSchema.nullable(),
});
export type GatewayStatus = z.output<typeof gatewayStatusSchema>;
