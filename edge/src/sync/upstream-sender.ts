import type { KeyObject } from 'node:crypto';
import type { Clock } from '@gridbill/shared/clock';
import type { SentBatch } from '@gridbill/shared/sync';
import { planAfterAck, signSyncRequest, upstreamAckSchema } from '@gridbill/shared/sync';
import { crashPoint } from '../engine/crash-point.js';
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
  timeoutMs?: number;
}

export type SendOutcome =
  | { kind: 'idle' }
  | { kind: 'pruned'; count: number; ackedThroughSeq: number; duplicates: number }
  | { kind: 'resend'; reason: string }
  | { kind: 'new-incarnation'; incarnation: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'failed'; reason: string };

export const DEFAULT_BATCH_SIZE = 2000;
/** Central accepts 8 MiB sync bodies; interval blocks are up to ~0.5 MB each. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The leading rows whose bodies fit in `maxBytes` (always the first row).
 * Example: bodies of 3, 3 and 3 MB with a 4 MB cap → the first row only.
 */
export function capBodyBytes<R extends { body: string }>(rows: R[], maxBytes: number): R[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i += 1) {
    bytes += rows[i]?.body.length ?? 0;
    if (bytes > maxBytes && i > 0) return rows.slice(0, i);
  }
  return rows;
}

/**
 * Sends the oldest outbox rows as one signed batch and applies central's ack: rows are deleted
 * only when an ack covers them (`planAfterAck`), after central's commit; any failure leaves
 * every row in place for the next attempt.
 * Example: 3 rows, central acks through 3 → { kind: 'pruned', count: 3, ackedThroughSeq: 3 }.
 */
export function createUpstreamSender(o: UpstreamSenderOptions) {
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function post(body: string): Promise<unknown> {
    const path = `/sync/v1/gw/${o.gatewayId}/events`;
    const headers = signSyncRequest(
      { method: 'POST', pathAndQuery: path, body },
      {
        gatewayId: o.gatewayId,
        keyId: o.keyId,
        privateKey: o.privateKey,
        timeMs: (o.requestClock ?? o.clock).wallMs(),
      },
    );
    const res = await fetch(`${o.baseUrl()}${path}`, {
      method: 'POST',
      body,
      headers: { ...headers, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`central answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  async function sendOnce(): Promise<SendOutcome> {
    const rows = capBodyBytes(o.stream.oldest(batchSize), maxBodyBytes);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return { kind: 'idle' };
    const sent: SentBatch = {
      gatewayId: o.gatewayId,
      incarnation: o.stream.incarnation(),
      fromSeq: first.seq,
      toSeq: last.seq,
      headSeq: o.stream.headSeq(),
    };
    const body = batchJson({ ...sent, sentAtMs: o.clock.wallMs() }, rows);
    let ackJson: unknown;
    try {
      ackJson = await post(body);
    } catch (err) {
      return { kind: 'failed', reason: (err as Error).message };
    }
    const parsed = upstreamAckSchema.safeParse(ackJson);
    if (!parsed.success) return { kind: 'rejected', reason: 'ack does not match the schema' };
    const plan = planAfterAck(sent, parsed.data);
    crashPoint('after_sync_ack_before_prune');
    switch (plan.kind) {
      case 'prune': {
        const count = o.stream.pruneAcked(plan.pruneFromSeq, plan.pruneThroughSeq);
        o.stream.noteAck(o.clock.wallMs());
        crashPoint('after_sync_prune');
        const duplicates = parsed.data.duplicateSeqs.length;
        return { kind: 'pruned', count, ackedThroughSeq: plan.pruneThroughSeq, duplicates };
      }
      case 'resend':
        return { kind: 'resend', reason: `central expects seq ${parsed.data.expectedNextSeq}` };
      case 'new-incarnation': {
        const incarnation = o.newIncarnationId();
        o.stream.renumber(incarnation);
        return { kind: 'new-incarnation', incarnation };
      }
      case 'reject':
        return { kind: 'rejected', reason: plan.reason };
    }
  }

  /** Sends until the outbox is empty or a round fails; returns the outcomes. */
  async function drain(maxRounds = 10_000): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    for (let i = 0; i < maxRounds; i += 1) {
      const outcome = await sendOnce();
      outcomes.push(outcome);
      if (outcome.kind === 'idle' || outcome.kind === 'failed' || outcome.kind === 'rejected')
        break;
    }
    return outcomes;
  }

  return { sendOnce, drain };
}

export type UpstreamSender = ReturnType<typeof createUpstreamSender>;
