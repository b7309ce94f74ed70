/**
 * The upstream protocol as a model: an edge outbox and a central store exchange batches
 * through an adversarial network (lost requests, lost acks after commit, duplicates,
 * reordering, edge restored from an old backup). Both sides use only the shared helpers
 * (parseLooseBatch, classifyBatch, computeWatermark, buildAck, planAfterAck). After the
 * network heals, every event the edge still knows is applied on central exactly once, no
 * acknowledged event is lost, and the edge outbox is empty.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAck } from './build-ack.js';
import type { StreamState } from './classify-batch.js';
import { classifyBatch } from './classify-batch.js';
import { parseEventBody, parseLooseBatch } from './parse-batch.js';
import type { SentBatch } from './plan-after-ack.js';
import { planAfterAck } from './plan-after-ack.js';
import type { UpstreamAck } from './upstream-batch.js';
import { eventContentHash } from './upstream-events.js';
import { computeWatermark } from './watermark.js';

const GW = 'gw-sim';
const uuid = (n: number, tag: number) =>
  `00000000-${String(tag).padStart(4, '0')}-8000-8000-${String(n).padStart(12, '0')}`;

interface Fact {
  eventId: string;
  poison: boolean;
}

interface EdgeState {
  incarnation: string;
  incarnations: number;
  nextSeq: number;
  outbox: { seq: number; fact: Fact }[];
  /** Every fact this edge lineage still knows (lost ones vanish with a restore). */
  facts: Fact[];
  factCounter: number;
}

interface Central {
  stream: StreamState | null;
  hashes: Map<number, string>;
  appliedCount: Map<string, number>;
  quarantined: Set<string>;
}

function wireEvent(seq: number, fact: Fact) {
  const body = fact.poison
    ? { alarmId: 'x', code: 'BAD CODE', severity: 'warning', meterId: null, message: '' }
    : { alarmId: fact.eventId, code: 'comms-loss', severity: 'info', meterId: null, message: '' };
  return {
    seq,
    eventId: fact.eventId,
    occurredAtMs: 1767225600000,
    clockTrusted: true,
    kind: 'alarm',
    body,
  };
}

function edgeBatch(edge: EdgeState, size: number): { json: unknown; sent: SentBatch } | null {
  const rows = edge.outbox.slice(0, size);
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined) return null;
  const headSeq = edge.nextSeq - 1;
  const json = {
    v: 1,
    gatewayId: GW,
    incarnation: edge.incarnation,
    fromSeq: first.seq,
    headSeq,
    sentAtMs: 1767225600000,
    events: rows.map((r) => wireEvent(r.seq, r.fact)),
  };
  const sent = {
    gatewayId: GW,
    incarnation: edge.incarnation,
    fromSeq: first.seq,
    toSeq: last.seq,
    headSeq,
  };
  return { json, sent };
}

/** Central's request handler: one "transaction", then the ack. */
function centralHandle(central: Central, json: unknown): UpstreamAck {
  const batch = parseLooseBatch(json);
  const classification = classifyBatch(central.stream, batch, (seq) => central.hashes.get(seq));
  const state = central.stream;
  if (classification.kind !== 'apply') {
    const acked = state?.incarnation === batch.incarnation ? state.ackedThroughSeq : 0;
    return buildAck(batch, classification, acked);
  }
  if (classification.incarnationChange !== null) {
    const retired = state === null ? [] : [...state.retiredIncarnations, state.incarnation];
    central.stream = {
      incarnation: batch.incarnation,
      ackedThroughSeq: 0,
      retiredIncarnations: retired,
    };
    central.hashes = new Map();
  }
  const stream = central.stream!;
  const quarantined: { seq: number; reason: string }[] = [];
  for (const event of classification.freshEvents) {
    central.hashes.set(event.seq, eventContentHash(event));
    const parsed = parseEventBody(event);
    if (!parsed.ok) {
      quarantined.push({ seq: event.seq, reason: parsed.reason });
      central.quarantined.add(event.eventId);
      continue;
    }
    const count = central.appliedCount.get(event.eventId) ?? 0;
    if (count === 0) central.appliedCount.set(event.eventId, 1); // idempotent domain apply
  }
  const seqs = classification.freshEvents.map((e) => e.seq);
  stream.ackedThroughSeq = computeWatermark(stream.ackedThroughSeq, seqs).ackedThroughSeq;
  return buildAck(batch, classification, stream.ackedThroughSeq, quarantined);
}

function edgeOnAck(edge: EdgeState, sent: SentBatch, ack: UpstreamAck): void {
  const plan = planAfterAck(sent, ack);
  if (plan.kind === 'prune') {
    edge.outbox = edge.outbox.filter(
      (row) => row.seq < plan.pruneFromSeq || row.seq > plan.pruneThroughSeq,
    );
  }
  if (plan.kind === 'new-incarnation') {
    edge.incarnations += 1;
    edge.incarnation = uuid(edge.incarnations, 1);
    edge.outbox = edge.outbox.map((row, i) => ({ seq: i + 1, fact: row.fact }));
    edge.nextSeq = edge.outbox.length + 1;
  }
}

type Step =
  | { op: 'produce'; count: number; poison: boolean }
  | { op: 'send'; size: number }
  | { op: 'deliver'; pick: number; fate: 'ok' | 'drop-request' | 'drop-response' | 'duplicate' }
  | { op: 'backup' }
  | { op: 'restore' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('produce' as const),
    count: fc.integer({ min: 1, max: 6 }),
    poison: fc.boolean(),
  }),
  fc.record({ op: fc.constant('send' as const), size: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    op: fc.constant('deliver' as const),
    pick: fc.nat(),
    fate: fc.constantFrom(
      'ok' as const,
      'drop-request' as const,
      'drop-response' as const,
      'duplicate' as const,
    ),
  }),
  fc.constant({ op: 'backup' as const }),
  fc.constant({ op: 'restore' as const }),
);

function produce(edge: EdgeState, count: number, poison: boolean, lineage: number): void {
  for (let i = 0; i < count; i += 1) {
    edge.factCounter += 1;
    const fact = { eventId: uuid(edge.factCounter, 1000 + lineage), poison: poison && i === 0 };
    edge.facts.push(fact);
    edge.outbox.push({ seq: edge.nextSeq, fact });
    edge.nextSeq += 1;
  }
}

function heal(edge: EdgeState, central: Central): void {
  for (let round = 0; round < 500 && edge.outbox.length > 0; round += 1) {
    const batch = edgeBatch(edge, 8)!;
    edgeOnAck(edge, batch.sent, centralHandle(central, batch.json));
  }
}

function simulate(steps: Step[]) {
  const edge: EdgeState = {
    incarnation: uuid(0, 1),
    incarnations: 0,
    nextSeq: 1,
    outbox: [],
    facts: [],
    factCounter: 0,
  };
  const central: Central = {
    stream: null,
    hashes: new Map(),
    appliedCount: new Map(),
    quarantined: new Set(),
  };
  let inFlight: { json: unknown; sent: SentBatch }[] = [];
  let backup: string | null = null;
  let lineage = 0;
  for (const step of steps) {
    if (step.op === 'produce') {
      produce(edge, step.count, step.poison, lineage);
    } else if (step.op === 'send') {
      const batch = edgeBatch(edge, step.size);
      if (batch !== null) inFlight.push(batch);
    } else if (step.op === 'deliver' && inFlight.length > 0) {
      const index = step.pick % inFlight.length; // any order: reordering
      const request = inFlight[index]!;
      inFlight.splice(index, 1);
      if (step.fate === 'drop-request') continue;
      const ack = centralHandle(central, request.json);
      if (step.fate === 'duplicate') inFlight.push(request);
      if (step.fate !== 'drop-response') edgeOnAck(edge, request.sent, ack);
    } else if (step.op === 'backup') {
      backup = JSON.stringify(edge);
    } else if (step.op === 'restore' && backup !== null) {
      // The edge disk is replaced by an old backup: newer facts are gone, in-flight requests die.
      Object.assign(edge, JSON.parse(backup) as EdgeState);
      lineage += 1;
      inFlight = [];
    }
  }
  // Heal: a reliable network, the edge sends from its oldest row until the outbox is empty.
  // Then one more fact: a restored edge that produced nothing yet is caught at its next seq.
  heal(edge, central);
  produce(edge, 1, false, lineage);
  heal(edge, central);
  return { edge, central };
}

describe('upstream protocol under faults (model)', () => {
  it('converges: everything the edge knows applied exactly once, nothing left behind', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80 }), (steps) => {
        const { edge, central } = simulate(steps);
        expect(edge.outbox).toEqual([]);
        for (const fact of edge.facts) {
          if (fact.poison) expect(central.quarantined.has(fact.eventId)).toBe(true);
          else expect(central.appliedCount.get(fact.eventId)).toBe(1);
        }
        for (const count of central.appliedCount.values()) expect(count).toBe(1);
        expect(central.stream?.incarnation ?? edge.incarnation).toBe(edge.incarnation);
        expect(central.stream?.ackedThroughSeq ?? 0).toBe(edge.nextSeq - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('never deletes rows an ack covers only by watermark (restore, then a short batch)', () => {
    const { edge, central } = simulate([
      { op: 'produce', count: 3, poison: false },
      { op: 'backup' },
      { op: 'produce', count: 5, poison: false },
      { op: 'send', size: 8 },
      { op: 'deliver', pick: 0, fate: 'ok' },
      { op: 'restore' },
      { op: 'produce', count: 5, poison: false },
      { op: 'send', size: 3 },
      { op: 'deliver', pick: 0, fate: 'ok' },
    ]);
    expect(edge.facts).toHaveLength(9);
    for (const fact of edge.facts) expect(central.appliedCount.get(fact.eventId)).toBe(1);
    expect(edge.incarnations).toBe(1);
  });

  it('a restore that reuses acked seqs with new content starts a new incarnation', () => {
    const { edge, central } = simulate([
      { op: 'produce', count: 3, poison: false },
      { op: 'backup' },
      { op: 'produce', count: 3, poison: false },
      { op: 'send', size: 8 },
      { op: 'deliver', pick: 0, fate: 'ok' },
      { op: 'restore' },
      { op: 'produce', count: 4, poison: false },
    ]);
    expect(edge.incarnations).toBe(1);
    expect(central.stream?.retiredIncarnations).toEqual([uuid(0, 1)]);
    expect(central.appliedCount.size).toBe(3 + 3 + 4 + 1);
  });
});
