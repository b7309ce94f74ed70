import type { LooseUpstreamBatch } from './upstream-batch.js';
import type { LooseEvent } from './upstream-events.js';
import { eventContentHash } from './upstream-events.js';

/** What central stores per gateway stream. */
export interface StreamState {
  incarnation: string;
  ackedThroughSeq: number;
  /** Incarnations replaced by a newer one; their batches are refused. */
  retiredIncarnations: readonly string[];
}

/** Content hash central stored for a seq of the current incarnation (undefined if unknown). */
export type StoredHashLookup = (seq: number) => string | undefined;

/**
 * How an already-acked event is compared with its stored hash: its hash now (reported when
 * divergent) and whether a stored hash is its content (a store may hold hashes of an older
 * hash version). Default: `eventContentHash` for both.
 */
export interface ContentCheck {
  hashOf(event: LooseEvent): string;
  matches(event: LooseEvent, storedHash: string): boolean;
}

const V1_CHECK: ContentCheck = {
  hashOf: eventContentHash,
  matches: (event, storedHash) => eventContentHash(event) === storedHash,
};

export interface DivergentSeq {
  seq: number;
  storedHash: string;
  incomingHash: string;
}

export type BatchClassification =
  | {
      kind: 'apply';
      /** Set when this batch starts a new incarnation (previous null on first contact). */
      incarnationChange: { previous: string | null } | null;
      freshEvents: LooseEvent[];
      duplicateSeqs: number[];
    }
  | { kind: 'gap'; expectedNextSeq: number; reason: string }
  | { kind: 'divergent'; divergent: DivergentSeq[]; reason: string }
  | { kind: 'regression'; reason: string }
  | { kind: 'retired-incarnation'; reason: string };

/**
 * Classifies an incoming batch against central's stored stream state, without side effects.
 * - seqs ≤ ackedThroughSeq are duplicates when their content hash matches, divergent otherwise;
 * - a batch starting after ackedThroughSeq + 1 is a gap (nothing applied);
 * - an edge head behind the acked seq is a regression (backup restored with an old incarnation);
 * - a different incarnation is accepted only from seq 1; a retired one is refused.
 * Divergence, regression and a retired incarnation all tell the edge to start a new incarnation.
 * `check` compares a known seq with its stored hash (central passes one that knows its hash
 * versions).
 * Example: state { incarnation: A, ackedThroughSeq: 5 }, batch A from 4 with 4 events (hashes of
 * 4 and 5 match) → { kind: 'apply', duplicateSeqs: [4, 5], freshEvents: [seq 6, seq 7] }.
 */
export function classifyBatch(
  state: StreamState | null,
  batch: LooseUpstreamBatch,
  storedHash: StoredHashLookup,
  check: ContentCheck = V1_CHECK,
): BatchClassification {
  if (state === null || state.incarnation !== batch.incarnation) {
    return classifyIncarnationStart(state, batch);
  }
  const acked = state.ackedThroughSeq;
  if (batch.headSeq < acked) {
    return {
      kind: 'regression',
      reason:
        `gateway ${batch.gatewayId} head seq ${batch.headSeq} is behind acked seq ${acked} ` +
        `of incarnation ${batch.incarnation}`,
    };
  }
  if (batch.fromSeq > acked + 1) {
    return {
      kind: 'gap',
      expectedNextSeq: acked + 1,
      reason: `batch starts at seq ${batch.fromSeq}, central expects ${acked + 1}`,
    };
  }
  return splitKnownAndFresh(acked, batch, storedHash, check);
}

function classifyIncarnationStart(
  state: StreamState | null,
  batch: LooseUpstreamBatch,
): BatchClassification {
  if (state?.retiredIncarnations.includes(batch.incarnation)) {
    return {
      kind: 'retired-incarnation',
      reason:
        `incarnation ${batch.incarnation} of gateway ${batch.gatewayId} ` +
        `was replaced by ${state.incarnation}`,
    };
  }
  if (batch.fromSeq !== 1) {
    return {
      kind: 'gap',
      expectedNextSeq: 1,
      reason:
        `new incarnation ${batch.incarnation} must start at seq 1, ` +
        `batch starts at ${batch.fromSeq}`,
    };
  }
  return {
    kind: 'apply',
    incarnationChange: { previous: state?.incarnation ?? null },
    freshEvents: batch.events,
    duplicateSeqs: [],
  };
}

function splitKnownAndFresh(
  acked: number,
  batch: LooseUpstreamBatch,
  storedHash: StoredHashLookup,
  check: ContentCheck,
): BatchClassification {
  const duplicateSeqs: number[] = [];
  const divergent: DivergentSeq[] = [];
  const freshEvents: LooseEvent[] = [];
  for (const event of batch.events) {
    if (event.seq > acked) {
      freshEvents.push(event);
      continue;
    }
    const stored = storedHash(event.seq);
    if (stored === undefined || check.matches(event, stored)) duplicateSeqs.push(event.seq);
    else {
      divergent.push({ seq: event.seq, storedHash: stored, incomingHash: check.hashOf(event) });
    }
  }
  if (divergent.length > 0) {
    const seqs = divergent.map((d) => d.seq).join(', ');
    return {
      kind: 'divergent',
      divergent,
      reason: `seq ${seqs} of incarnation ${batch.incarnation} reused with different content`,
    };
  }
  return { kind: 'apply', incarnationChange: null, freshEvents, duplicateSeqs };
}
