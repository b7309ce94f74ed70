import type { z } from 'zod';
import type { LooseUpstreamBatch } from './upstream-batch.js';
import { looseUpstreamBatchSchema, upstreamBatchSchema } from './upstream-batch.js';
import type { LooseEvent, UpstreamEvent, UpstreamEventKind } from './upstream-events.js';
import { upstreamEventSchema } from './upstream-events.js';

export class BatchParseError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid upstream batch: ${issues.join('; ')}`);
    this.name = 'BatchParseError';
  }
}

/** Formats zod issues as 'path: message' lines, e.g. 'events.0.seq: expected seq 4, got 5'. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}

/**
 * Parses the batch envelope (throws BatchParseError: the whole batch is refused, 400) and
 * leaves event bodies unparsed; use `parseEventBody` per fresh event.
 */
export function parseLooseBatch(json: unknown): LooseUpstreamBatch {
  const result = looseUpstreamBatchSchema.safeParse(json);
  if (!result.success) throw new BatchParseError(describeIssues(result.error));
  return result.data;
}

/**
 * Parses one event fully. A failure is a poison event: quarantine it with `reason` and still
 * acknowledge its seq, so it never blocks the stream.
 * Example: kind 'interval' with energyWh 1.5 →
 *   { ok: false, reason: 'seq 9 (interval): body.energyWh: Invalid input: expected int…' }
 */
export function parseEventBody(
  event: LooseEvent,
): { ok: true; event: UpstreamEvent } | { ok: false; reason: string } {
  const result = upstreamEventSchema.safeParse(event);
  if (result.success) return { ok: true, event: result.data };
  const where = `seq ${event.seq} (${event.kind})`;
  return {
    ok: false,
    reason: `${where}: ${describeIssues(result.error).join('; ')}`.slice(0, 500),
  };
}

export type EventParse = { ok: true; event: UpstreamEvent } | { ok: false; reason: string };

/**
 * Central's parse of a request body: the envelope (BatchParseError when broken) and, per
 * event, the parsed event or the poison reason. Fast path: one strict parse of the whole
 * batch; only a batch with a bad event pays for the per-event parse.
 */
export function parseIngestBatch(json: unknown): {
  batch: LooseUpstreamBatch;
  events: EventParse[];
} {
  const whole = upstreamBatchSchema.safeParse(json);
  if (whole.success) {
    return { batch: whole.data, events: whole.data.events.map((event) => ({ ok: true, event })) };
  }
  const batch = parseLooseBatch(json);
  return { batch, events: batch.events.map(parseEventBody) };
}

export type { UpstreamEventKind };
