import { z } from 'zod';
import { looseEventSchema, upstreamEventSchema } from './upstream-events.js';
import {
  epochMsSchema,
  gatewayIdSchema,
  protocolVersionSchema,
  seqSchema,
  uuidTextSchema,
} from './primitives.js';

/** At most this many events per batch; the edge sends 200..1000. */
export const MAX_BATCH_EVENTS = 5000;

type SeqCarrier = { seq: number };

function checkContiguous(
  batch: { fromSeq: number; events: SeqCarrier[] },
  ctx: z.RefinementCtx,
): void {
  batch.events.forEach((event, index) => {
    const expected = batch.fromSeq + index;
    if (event.seq !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['events', index, 'seq'],
        message:
          `events must be contiguous from fromSeq ${batch.fromSeq}: ` +
          `expected seq ${expected}, got ${event.seq}`,
      });
    }
  });
}

const batchShape = {
  v: protocolVersionSchema,
  gatewayId: gatewayIdSchema,
  /** Random UUID made when the gateway database was created (new after a re-image/restore). */
  incarnation: uuidTextSchema,
  fromSeq: seqSchema,
  /** The edge's newest committed seq (≥ last event's seq), for lag metrics. */
  headSeq: z.number().int().min(0),
  sentAtMs: epochMsSchema,
};

/**
 * POST /sync/v1/gw/:gw/events body. Events are contiguous: events[i].seq = fromSeq + i.
 * Example: { v: 1, gatewayId: 'gw-1', incarnation: '…', fromSeq: 41, headSeq: 42,
 *            sentAtMs: …, events: [{ seq: 41, … }, { seq: 42, … }] }
 */
export const upstreamBatchSchema = z
  .strictObject({
    ...batchShape,
    events: z.array(upstreamEventSchema).min(1).max(MAX_BATCH_EVENTS),
  })
  .superRefine(checkContiguous);

/** The same batch with bodies unparsed (central parses each body on its own). */
export const looseUpstreamBatchSchema = z
  .strictObject({ ...batchShape, events: z.array(looseEventSchema).min(1).max(MAX_BATCH_EVENTS) })
  .superRefine(checkContiguous);

export type UpstreamBatch = z.output<typeof upstreamBatchSchema>;
export type UpstreamBatchWire = z.input<typeof upstreamBatchSchema>;
export type LooseUpstreamBatch = z.output<typeof looseUpstreamBatchSchema>;

/**
 * What the edge must do after an ack:
 * - 'continue': delete outbox rows ≤ ackedThroughSeq, send from expectedNextSeq.
 * - 'resend-from': central is missing seqs; resend from expectedNextSeq (nothing deleted).
 * - 'new-incarnation': central saw this incarnation's seqs reused with other content or going
 *   backwards; the edge must start a new incarnation (seq 1) and re-send its un-acked events.
 */
export const ackActionSchema = z.enum(['continue', 'resend-from', 'new-incarnation']);
export type AckAction = z.output<typeof ackActionSchema>;

/**
 * Central's answer, sent only after its transaction committed.
 * Example: { v: 1, gatewayId: 'gw-1', incarnation: '…', ackedThroughSeq: 42,
 *            expectedNextSeq: 43, action: 'continue', duplicateSeqs: [], divergentSeqs: [],
 *            quarantined: [{ seq: 42, reason: 'meter m9 is not assigned to gw-1' }] }
 */
export const upstreamAckSchema = z.strictObject({
  v: protocolVersionSchema,
  gatewayId: gatewayIdSchema,
  incarnation: uuidTextSchema,
  /** Every seq ≤ this is durably stored (or quarantined) on central. 0 = nothing yet. */
  ackedThroughSeq: z.number().int().min(0),
  expectedNextSeq: seqSchema,
  action: ackActionSchema,
  duplicateSeqs: z.array(seqSchema),
  divergentSeqs: z.array(seqSchema),
  quarantined: z.array(z.strictObject({ seq: seqSchema, reason: z.string().min(1).max(500) })),
});
export type UpstreamAck = z.output<typeof upstreamAckSchema>;
