import type { KeyObject } from 'node:crypto';
import type { Clock } from '@gridbill/shared/clock';
import type { EdgeAckPlan, SentBatch, UpstreamAck } from '@gridbill/shared/sync';
import { planAfterAck, upstreamAckSchema } from '@gridbill/shared/sync';
import { crashPoint } from '../engine/crash-point.js';
import { createBatchPoster, type SignedBatch } from './batch-poster.js';
import { batchJson } from './batch-wire.js';
import type { OutboxStream } from './outbox-stream.js';

export interface UpstreamSenderOptions {
  stream: OutboxStream;
  gatewayId: string;
  keyId: string;
  privateKey: KeyObject;
  /** Central base URL, e.g. http://127.0.0.1:8080 (a function so tests can re-point it). */
  baseUrl: () => string;
  clock: Clock;
  /** Stamps signed requests (host time); defaults to `clock`. */
  requestClock?: { wallMs(): number };
  /** A fresh UUID for a new incarnation (injected randomness). */
  newIncarnationId: () => string;
  batchSize?: number;
  /** Event bodies per request stop here (at least one row is sent); default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Requests `drain` keeps on the wire at once. Default 1: central gets one batch at a time,
   * and the next is read, built and signed while it works, sent as soon as the ack lands.
   * 2 or more overlap the uploads too, but batches on separate connections may reach central
   * out of order: one that overtakes its predecessor is refused (`resend-from`, nothing
   * applied) and sent again, which wastes central's parse of it.
   */
  inFlight?: number;
  timeoutMs?: number;
}

export type SendOutcome =
  | { kind: 'idle' }
  | {
      kind: 'pruned';
      count: number;
      ackedThroughSeq: number;
      duplicates: number;
      /** Request body size. */
      bytes: number;
    }
  | { kind: 'resend'; reason: string }
  | { kind: 'new-incarnation'; incarnation: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'failed'; reason: string };

export const DEFAULT_BATCH_SIZE = 2000;
/** Central accepts 8 MiB sync bodies; a packed 1,000-meter cycle block is about 47 kB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_IN_FLIGHT = 1;

/** A batch ready to send: the outbox range it covers and the signed request. */
interface Prepared {
  sent: SentBatch;
  request: SignedBatch;
}

/** Central's answer: its JSON ack, or why there is none (network, timeout, HTTP status). */
type Answer = { ok: true; json: unknown } | { ok: false; reason: string };

/** What an answer means for its batch, before anything is changed on the edge. */
type Verdict =
  | { kind: 'outcome'; outcome: SendOutcome }
  | { kind: 'plan'; plan: EdgeAckPlan; ack: UpstreamAck };

/**
 * Sends the oldest outbox rows as signed batches and applies central's acks: rows are deleted
 * only when an ack covers them (`planAfterAck`), after central's commit; any failure leaves
 * every row in place for the next attempt.
 * `sendOnce` sends one batch. `drain` pipelines: while a batch is at central the next one is
 * read, built and signed, and it goes out the moment the ack lands, before the acked rows are
 * pruned (`inFlight` > 1 puts more on the wire; central serialises a gateway's batches and one
 * arriving before its predecessor is answered `resend-from`, applying nothing). Acks are
 * applied in send order, and only while every earlier batch was pruned in full, so the outbox
 * always loses a prefix; on any other answer the prepared batch is dropped, the requests still
 * on the wire are awaited and their answers ignored (those rows are resent; central matches
 * them as duplicates), then the answer is applied (a renumbering happens with nothing on the
 * wire).
 * Example: 3 rows, central acks through 3 → { kind: 'pruned', count: 3, ackedThroughSeq: 3 }.
 */
export function createUpstreamSender(o: UpstreamSenderOptions) {
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inFlight = Math.max(1, o.inFlight ?? DEFAULT_IN_FLIGHT);
  const { sign, post } = createBatchPoster(o, timeoutMs);

  /** The batch after seq `afterSeq` (0 = from the oldest row), or null when none is left. */
  function prepare(afterSeq: number): Prepared | null {
    const rows = o.stream.batchAfter(afterSeq, batchSize, maxBodyBytes);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return null;
    const sent: SentBatch = {
      gatewayId: o.gatewayId,
      incarnation: o.stream.incarnation(),
      fromSeq: first.seq,
      toSeq: last.seq,
      headSeq: o.stream.headSeq(),
    };
    return { sent, request: sign(batchJson({ ...sent, sentAtMs: o.clock.wallMs() }, rows)) };
  }

  function judge(batch: Prepared, answer: Answer): Verdict {
    if (!answer.ok) return { kind: 'outcome', outcome: { kind: 'failed', reason: answer.reason } };
    const parsed = upstreamAckSchema.safeParse(answer.json);
    if (!parsed.success) {
      const outcome = { kind: 'rejected', reason: 'ack does not match the schema' } as const;
      return { kind: 'outcome', outcome };
    }
    return { kind: 'plan', plan: planAfterAck(batch.sent, parsed.data), ack: parsed.data };
  }

  /** True when the verdict prunes the whole batch (the next batch on the wire follows on). */
  const prunesAll = (batch: Prepared, v: Verdict) =>
    v.kind === 'plan' && v.plan.kind === 'prune' && v.plan.pruneThroughSeq === batch.sent.toSeq;

  function act(batch: Prepared, v: Verdict): SendOutcome {
    if (v.kind === 'outcome') return v.outcome;
    const { plan, ack } = v;
    crashPoint('after_sync_ack_before_prune');
    switch (plan.kind) {
      case 'prune': {
        const count = o.stream.pruneAcked(plan.pruneFromSeq, plan.pruneThroughSeq);
        o.stream.noteAck(o.clock.wallMs());
        crashPoint('after_sync_prune');
        const duplicates = ack.duplicateSeqs.length;
        const ackedThroughSeq = plan.pruneThroughSeq;
        return {
          kind: 'pruned',
          count,
          ackedThroughSeq,
          duplicates,
          bytes: batch.request.body.length,
        };
      }
      case 'resend':
        return { kind: 'resend', reason: `central expects seq ${ack.expectedNextSeq}` };
      case 'new-incarnation': {
        const incarnation = o.newIncarnationId();
        o.stream.renumber(incarnation);
        return { kind: 'new-incarnation', incarnation };
      }
      case 'reject':
        return { kind: 'rejected', reason: plan.reason };
    }
  }

  /** Sends the oldest rows as one batch and applies the answer. */
  async function sendOnce(): Promise<SendOutcome> {
    const batch = prepare(0);
    if (!batch) return { kind: 'idle' };
    return act(batch, judge(batch, await post(batch.request)));
  }

  /**
   * Sends until the outbox is empty, a round fails or is rejected, or `maxRounds` answers were
   * applied; returns the outcomes in send order (an empty outbox ends with 'idle').
   */
  async function drain(maxRounds = 10_000): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    const wire: { batch: Prepared; answer: Promise<Answer> }[] = [];
    let ready: Prepared | null = null;
    let cursor = 0;
    /** Puts batches on the wire (the prepared one first); `judging` = a head being judged. */
    const send = (judging: number) => {
      while (wire.length < inFlight && outcomes.length + wire.length + judging < maxRounds) {
        const batch = ready ?? prepare(cursor);
        ready = null;
        if (!batch) return;
        wire.push({ batch, answer: post(batch.request) });
        cursor = batch.sent.toSeq;
      }
    };
    while (outcomes.length < maxRounds) {
      send(0);
      const head = wire.shift();
      if (!head) {
        outcomes.push({ kind: 'idle' });
        break;
      }
      if (ready === null) ready = prepare(cursor);
      const verdict = judge(head.batch, await head.answer);
      if (prunesAll(head.batch, verdict)) send(1);
      else {
        await Promise.all(wire.splice(0).map((w) => w.answer));
        ready = null;
        cursor = 0;
      }
      const outcome = act(head.batch, verdict);
      outcomes.push(outcome);
      if (outcome.kind === 'failed' || outcome.kind === 'rejected') break;
    }
    await Promise.all(wire.map((w) => w.answer));
    return outcomes;
  }

  /**
   * One round of the gateway's sync loop: `drain(maxBatches)`, reduced to its last outcome
   * ('idle' only when nothing was sent or the outbox emptied).
   * Example: 3 batches pending → { kind: 'idle' } after pruning all three.
   */
  async function sendRound(maxBatches = 16): Promise<SendOutcome> {
    const outcomes = await drain(maxBatches);
    return outcomes[outcomes.length - 1] ?? { kind: 'idle' };
  }

  return { sendOnce, drain, sendRound };
}

export type UpstreamSender = ReturnType<typeof createUpstreamSender>;
