import type { UpstreamAck } from './upstream-batch.js';

/** The batch the edge sent (a contiguous range of its outbox) and its outbox head. */
export interface SentBatch {
  gatewayId: string;
  incarnation: string;
  fromSeq: number;
  toSeq: number;
  /** Newest seq the edge has committed. */
  headSeq: number;
}

export type EdgeAckPlan =
  | { kind: 'prune'; pruneFromSeq: number; pruneThroughSeq: number }
  | { kind: 'resend' }
  | { kind: 'new-incarnation' }
  | { kind: 'reject'; reason: string };

/**
 * The edge's reaction to an ack. It deletes only rows of the batch it sent, up to the
 * acknowledged seq: central either committed them or matched their content hash, so nothing
 * unverified is ever deleted (a stream watermark alone could cover rows whose seqs central
 * holds with other content, e.g. after a backup restore). The next batch always starts at the
 * oldest row still in the outbox. An ack for another gateway or incarnation, or beyond what the
 * edge ever committed, is rejected and changes nothing.
 * Example: sent seqs 41..50 (head 60), ack { action: 'continue', ackedThroughSeq: 45 }
 *   → { kind: 'prune', pruneFromSeq: 41, pruneThroughSeq: 45 }.
 */
export function planAfterAck(sent: SentBatch, ack: UpstreamAck): EdgeAckPlan {
  if (ack.gatewayId !== sent.gatewayId || ack.incarnation !== sent.incarnation) {
    return {
      kind: 'reject',
      reason:
        `ack is for ${ack.gatewayId}/${ack.incarnation}, ` +
        `sent ${sent.gatewayId}/${sent.incarnation}`,
    };
  }
  if (ack.action === 'new-incarnation') return { kind: 'new-incarnation' };
  if (ack.ackedThroughSeq > sent.headSeq) {
    return {
      kind: 'reject',
      reason: `ack through seq ${ack.ackedThroughSeq} is beyond the outbox head ${sent.headSeq}`,
    };
  }
  if (ack.action === 'resend-from') return { kind: 'resend' };
  const pruneThroughSeq = Math.min(ack.ackedThroughSeq, sent.toSeq);
  if (pruneThroughSeq < sent.fromSeq) return { kind: 'resend' };
  return { kind: 'prune', pruneFromSeq: sent.fromSeq, pruneThroughSeq };
}
