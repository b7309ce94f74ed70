import { contentId } from '@gridbill/shared/ids';
import type {
  BatchClassification,
  ContentCheck,
  EventParse,
  LooseEvent,
  LooseUpstreamBatch,
  StreamState,
  UpstreamAck,
  UpstreamEvent,
} from '@gridbill/shared/sync';
import {
  buildAck,
  classifyBatch,
  computeWatermark,
  ownershipViolation,
  parseIngestBatch,
} from '@gridbill/shared/sync';
import type { Transaction } from 'kysely';
import type { Committer } from '../store/committer.js';
import type { Database } from '../store/schema.js';
import { applyEvents } from './apply-events.js';
import { ingestContentHash, sameContent } from './block-hash.js';
import { loadGatewayScope } from './gateway-scope.js';
import { loadHashes, loadStream, raiseAlarm, saveStream, storeHashes } from './stream-repo.js';
import { type SyncTrx, syncTrx } from './sync-schema.js';

export class IngestRefusedError extends Error {
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'IngestRefusedError';
  }
}

export interface IngestResult {
  ack: UpstreamAck;
  classification: BatchClassification['kind'];
  applied: number;
  quarantined: number;
}

/**
 * Central's upstream ingest for one authenticated gateway: parse (a broken envelope throws
 * `BatchParseError` → 400, nothing stored), then in one transaction classify against the
 * stored stream, quarantine poison and foreign events (still acked), apply the rest
 * idempotently, store content hashes and the new watermark; the ack is returned only after
 * the commit. Example: fresh stream, batch seqs 1..3 → ack { ackedThroughSeq: 3, action:
 * 'continue' }; the same batch again → the same ack with duplicateSeqs [1, 2, 3].
 */
export async function ingestBatch(
  committer: Committer,
  gatewayId: string,
  json: unknown,
  nowMs: number,
): Promise<IngestResult> {
  const { batch, events } = parseIngestBatch(json);
  if (batch.gatewayId !== gatewayId) {
    const why = `batch is for gateway ${batch.gatewayId}, signed by ${gatewayId}`;
    throw new IngestRefusedError(403, why);
  }
  return committer.run((trx) => commitBatch(trx, batch, events, nowMs));
}

async function commitBatch(
  coreTrx: Transaction<Database>,
  batch: LooseUpstreamBatch,
  parses: EventParse[],
  nowMs: number,
): Promise<IngestResult> {
  const trx = syncTrx(coreTrx);
  const gw = batch.gatewayId;
  const state = await loadStream(trx, gw);
  const known = state?.incarnation === batch.incarnation ? state.ackedThroughSeq : 0;
  const toSeq = batch.fromSeq + batch.events.length - 1;
  const stored = await loadHashes(
    trx,
    gw,
    batch.incarnation,
    batch.fromSeq,
    Math.min(toSeq, known),
  );
  const parseOf = (seq: number) => parses[seq - batch.fromSeq];
  const check: ContentCheck = {
    hashOf: (e) => ingestContentHash(e, parseOf(e.seq)),
    matches: (e, hash) => sameContent(e, parseOf(e.seq), hash),
  };
  const classification = classifyBatch(state, batch, (seq) => stored.get(seq), check);
  if (classification.kind !== 'apply') {
    await refuseBatch(trx, batch, state, classification, nowMs);
    return {
      ack: buildAck(batch, classification, state?.ackedThroughSeq ?? 0),
      classification: classification.kind,
      applied: 0,
      quarantined: 0,
    };
  }
  const stream = nextStream(state, batch, classification);
  const fresh = classification.freshEvents;
  const hashes = new Map(fresh.map((e) => [e.seq, check.hashOf(e)]));
  const hashOf = (e: UpstreamEvent) => hashes.get(e.seq) ?? check.hashOf(e);
  const { good, quarantine } = await splitFresh(trx, batch, parses, fresh);
  const outcome = await applyEvents(coreTrx, gw, good, nowMs, {
    hashOf,
    matches: (e, hash) => hashOf(e) === hash || check.matches(e, hash),
  });
  for (const [seq, reason] of outcome.refused) quarantine.push({ seq, reason });
  await storeQuarantine(trx, batch, quarantine, nowMs);
  await storeHashes(
    trx,
    gw,
    batch.incarnation,
    fresh.map((e) => ({ seq: e.seq, hash: hashes.get(e.seq) ?? '' })),
  );
  const seqs = fresh.map((e) => e.seq);
  stream.ackedThroughSeq = computeWatermark(stream.ackedThroughSeq, seqs).ackedThroughSeq;
  const last = batch.events[batch.events.length - 1];
  const pending = stream.ackedThroughSeq < batch.headSeq;
  await saveStream(trx, {
    gatewayId: gw,
    state: stream,
    headSeq: batch.headSeq,
    lastContactMs: nowMs,
    oldestPendingMs: pending && last ? last.occurredAtMs : 0,
  });
  const sorted = quarantine.sort((a, b) => a.seq - b.seq);
  return {
    ack: buildAck(batch, classification, stream.ackedThroughSeq, sorted),
    classification: 'apply',
    applied: good.length - outcome.refused.size,
    quarantined: quarantine.length,
  };
}

function nextStream(
  state: StreamState | null,
  batch: LooseUpstreamBatch,
  c: Extract<BatchClassification, { kind: 'apply' }>,
): StreamState {
  if (state === null) {
    return { incarnation: batch.incarnation, ackedThroughSeq: 0, retiredIncarnations: [] };
  }
  if (c.incarnationChange === null) return { ...state };
  return {
    incarnation: batch.incarnation,
    ackedThroughSeq: 0,
    retiredIncarnations: [...state.retiredIncarnations, state.incarnation],
  };
}

async function splitFresh(
  trx: SyncTrx,
  batch: LooseUpstreamBatch,
  parses: EventParse[],
  fresh: LooseEvent[],
) {
  const scope = await loadGatewayScope(trx, batch.gatewayId);
  const good: UpstreamEvent[] = [];
  const quarantine: { seq: number; reason: string }[] = [];
  for (const loose of fresh) {
    const parse = parses[loose.seq - batch.fromSeq];
    if (!parse?.ok) {
      quarantine.push({ seq: loose.seq, reason: parse?.reason ?? `seq ${loose.seq}: unparsed` });
      continue;
    }
    const violation = ownershipViolation(batch.gatewayId, parse.event, scope);
    if (violation) quarantine.push({ seq: loose.seq, reason: violation });
    else good.push(parse.event);
  }
  return { good, quarantine };
}

async function storeQuarantine(
  trx: SyncTrx,
  batch: LooseUpstreamBatch,
  items: { seq: number; reason: string }[],
  nowMs: number,
): Promise<void> {
  for (const item of items) {
    const event = batch.events[item.seq - batch.fromSeq];
    await trx
      .insertInto('sync_quarantine')
      .values({
        gateway_id: batch.gatewayId,
        incarnation: batch.incarnation,
        seq: BigInt(item.seq),
        event_json: JSON.stringify(event ?? null, bigintAsText),
        reason: item.reason,
        at_ms: BigInt(nowMs),
      })
      .execute();
  }
}

/** Parsed events hold money as bigint: stored as the wire's decimal text. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

async function refuseBatch(
  trx: SyncTrx,
  batch: LooseUpstreamBatch,
  state: StreamState | null,
  c: Exclude<BatchClassification, { kind: 'apply' }>,
  nowMs: number,
): Promise<void> {
  if (state !== null) {
    await trx
      .updateTable('sync_streams')
      .set({ last_contact_ms: BigInt(nowMs) })
      .where('gateway_id', '=', batch.gatewayId)
      .execute();
  }
  if (c.kind === 'gap') return;
  const id = contentId('sync-alarm', batch.gatewayId, batch.incarnation, c.kind, batch.fromSeq);
  await raiseAlarm(trx, {
    id,
    gatewayId: batch.gatewayId,
    kind: c.kind,
    detail: c.reason,
    atMs: nowMs,
  });
}
