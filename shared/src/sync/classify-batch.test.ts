import { describe, expect, it } from 'vitest';
import { buildAck } from './build-ack.js';
import type { StreamState } from './classify-batch.js';
import { classifyBatch } from './classify-batch.js';
import { exampleBatch } from './example-documents.js';
import { parseEventBody, parseIngestBatch, parseLooseBatch } from './parse-batch.js';
import type { LooseUpstreamBatch } from './upstream-batch.js';
import { eventContentHash } from './upstream-events.js';

const INC_A = exampleBatch.incarnation;
const INC_B = '0193a2c4-5e6f-7a80-9b1c-ffffffffffff';

/** A batch of `count` alarm events from `fromSeq`, with body text `tag`. */
function batchOf(fromSeq: number, count: number, tag = 'x', incarnation = INC_A) {
  const events = Array.from({ length: count }, (_, i) => ({
    seq: fromSeq + i,
    eventId: `00000000-0000-8000-8000-${String(fromSeq + i).padStart(12, '0')}`,
    occurredAtMs: 1767225600000 + fromSeq + i,
    clockTrusted: true,
    kind: 'alarm',
    body: {
      alarmId: `a${fromSeq + i}`,
      code: 'comms-loss',
      severity: 'warning',
      meterId: null,
      message: tag,
    },
  }));
  return parseLooseBatch({
    v: 1,
    gatewayId: 'gw-1',
    incarnation,
    fromSeq,
    headSeq: fromSeq + count - 1,
    sentAtMs: 1767226500000,
    events,
  });
}

/** Hash store holding the events of `batch` (what central committed). */
function storeOf(...batches: LooseUpstreamBatch[]) {
  const hashes = new Map<number, string>();
  for (const b of batches) for (const e of b.events) hashes.set(e.seq, eventContentHash(e));
  return (seq: number) => hashes.get(seq);
}

const stateAt = (ackedThroughSeq: number, retired: string[] = []): StreamState => ({
  incarnation: INC_A,
  ackedThroughSeq,
  retiredIncarnations: retired,
});

describe('classifyBatch', () => {
  it('accepts the first batch of an unknown gateway from seq 1', () => {
    const result = classifyBatch(null, batchOf(1, 3), () => undefined);
    expect(result).toMatchObject({ kind: 'apply', incarnationChange: { previous: null } });
    if (result.kind === 'apply') expect(result.freshEvents.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('splits a re-sent batch into duplicates and fresh events', () => {
    const result = classifyBatch(stateAt(5), batchOf(4, 4), storeOf(batchOf(1, 5)));
    expect(result).toMatchObject({ kind: 'apply', incarnationChange: null, duplicateSeqs: [4, 5] });
    if (result.kind === 'apply') expect(result.freshEvents.map((e) => e.seq)).toEqual([6, 7]);
  });

  it('treats an exact replay as all duplicates', () => {
    const result = classifyBatch(stateAt(5), batchOf(1, 5), storeOf(batchOf(1, 5)));
    expect(result).toMatchObject({
      kind: 'apply',
      duplicateSeqs: [1, 2, 3, 4, 5],
      freshEvents: [],
    });
  });

  it('reports a gap when the batch starts after the next expected seq', () => {
    expect(classifyBatch(stateAt(5), batchOf(7, 2), storeOf())).toEqual({
      kind: 'gap',
      expectedNextSeq: 6,
      reason: 'batch starts at seq 7, central expects 6',
    });
  });

  it('raises divergence when an acked seq comes back with other content', () => {
    const result = classifyBatch(stateAt(5), batchOf(5, 2, 'other'), storeOf(batchOf(1, 5)));
    expect(result.kind).toBe('divergent');
    if (result.kind === 'divergent') {
      expect(result.divergent.map((d) => d.seq)).toEqual([5]);
      expect(result.reason).toBe(`seq 5 of incarnation ${INC_A} reused with different content`);
    }
  });

  it('detects a head regression (old backup with the same incarnation)', () => {
    const stale = { ...batchOf(2, 2), headSeq: 3 };
    expect(classifyBatch(stateAt(9), stale, storeOf(batchOf(1, 9))).kind).toBe('regression');
  });

  it('accepts a new incarnation only from seq 1', () => {
    const fresh = classifyBatch(stateAt(9), batchOf(1, 2, 'x', INC_B), storeOf());
    expect(fresh).toMatchObject({ kind: 'apply', incarnationChange: { previous: INC_A } });
    const late = classifyBatch(stateAt(9), batchOf(3, 2, 'x', INC_B), storeOf());
    expect(late).toMatchObject({ kind: 'gap', expectedNextSeq: 1 });
  });

  it('refuses a retired incarnation', () => {
    const state = { ...stateAt(2), incarnation: INC_B, retiredIncarnations: [INC_A] };
    expect(classifyBatch(state, batchOf(10, 1), storeOf()).kind).toBe('retired-incarnation');
  });
});

describe('buildAck', () => {
  it('maps each classification to the edge action', () => {
    const batch = batchOf(4, 4);
    const store = storeOf(batchOf(1, 5));
    const apply = buildAck(batch, classifyBatch(stateAt(5), batch, store), 7);
    expect(apply).toMatchObject({ action: 'continue', ackedThroughSeq: 7, expectedNextSeq: 8 });
    expect(apply.duplicateSeqs).toEqual([4, 5]);
    const gap = buildAck(batchOf(9, 1), classifyBatch(stateAt(5), batchOf(9, 1), store), 5);
    expect(gap).toMatchObject({ action: 'resend-from', ackedThroughSeq: 5, expectedNextSeq: 6 });
    const other = batchOf(5, 1, 'other');
    const divergent = buildAck(other, classifyBatch(stateAt(5), other, store), 5);
    expect(divergent).toMatchObject({ action: 'new-incarnation', divergentSeqs: [5] });
  });
});

describe('poison events', () => {
  it('parses the envelope but quarantines a bad body with its reason', () => {
    const wire = JSON.parse(JSON.stringify(exampleBatch));
    wire.events[0].body.energyWh = 1.5;
    const batch = parseLooseBatch(wire);
    const results = batch.events.map(parseEventBody);
    expect(results.map((r) => r.ok)).toEqual([false, true, true]);
    const bad = results[0];
    if (bad && !bad.ok) expect(bad.reason).toMatch(/^seq 41 \(interval\): body\.energyWh: /);
  });

  it('quarantines an unknown event kind', () => {
    const wire = JSON.parse(JSON.stringify(exampleBatch));
    wire.events[2].kind = 'teleport';
    const result = parseEventBody(parseLooseBatch(wire).events[2]!);
    expect(result.ok).toBe(false);
  });

  it('parses a clean batch in one pass with the same content hashes', () => {
    const fast = parseIngestBatch(exampleBatch);
    expect(fast.events.every((e) => e.ok)).toBe(true);
    const loose = parseLooseBatch(exampleBatch);
    expect(fast.batch.events.map(eventContentHash)).toEqual(loose.events.map(eventContentHash));
  });

  it('falls back to per-event results when one event is poison', () => {
    const wire = JSON.parse(JSON.stringify(exampleBatch));
    wire.events[1].body.currency = 'kes';
    const { batch, events } = parseIngestBatch(wire);
    expect(batch.fromSeq).toBe(41);
    expect(events.map((e) => e.ok)).toEqual([true, false, true]);
    expect(() => parseIngestBatch({ ...wire, v: 2 })).toThrow(/^invalid upstream batch: v: /);
  });

  it('refuses the whole batch when the envelope is broken', () => {
    const wire = JSON.parse(JSON.stringify(exampleBatch));
    wire.fromSeq = 0;
    expect(() => parseLooseBatch(wire)).toThrow(/^invalid upstream batch: fromSeq: /);
  });
});
