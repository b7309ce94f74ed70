import type { BatchClassification } from './classify-batch.js';
import type { LooseUpstreamBatch, UpstreamAck } from './upstream-batch.js';
import { SYNC_PROTOCOL_VERSION } from './primitives.js';

/**
 * The ack central returns after committing (or refusing) a batch.
 * `ackedThroughSeq` is the stream watermark after the commit (use `computeWatermark`).
 * Example: apply with duplicates [4] and quarantine [{ seq: 6, … }], watermark 7 →
 *   { action: 'continue', ackedThroughSeq: 7, expectedNextSeq: 8, duplicateSeqs: [4], … }.
 */
export function buildAck(
  batch: LooseUpstreamBatch,
  classification: BatchClassification,
  ackedThroughSeq: number,
  quarantined: { seq: number; reason: string }[] = [],
): UpstreamAck {
  const base = {
    v: SYNC_PROTOCOL_VERSION,
    gatewayId: batch.gatewayId,
    incarnation: batch.incarnation,
    ackedThroughSeq,
    expectedNextSeq: ackedThroughSeq + 1,
    duplicateSeqs: [] as number[],
    divergentSeqs: [] as number[],
    quarantined,
  } as const;
  switch (classification.kind) {
    case 'apply':
      return { ...base, action: 'continue', duplicateSeqs: classification.duplicateSeqs };
    case 'gap':
      return { ...base, action: 'resend-from', expectedNextSeq: classification.expectedNextSeq };
    case 'divergent':
      return {
        ...base,
        action: 'new-incarnation',
        divergentSeqs: classification.divergent.map((d) => d.seq),
      };
    case 'regression':
    case 'retired-incarnation':
      return { ...base, action: 'new-incarnation' };
  }
}
