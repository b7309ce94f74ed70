/**
 * The upstream protocol over real HTTP through the fault proxy: a minimal in-memory central
 * (Hono, built only from @gridbill/shared/sync helpers) and an edge sender with two batches in
 * flight, signed per gateway. Dropped requests, answers lost after commit, duplicates,
 * reordering and a long partition must end with every event applied exactly once and the
 * outbox empty. It is the executable reference for wiring the real endpoints.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type {
  EventParse,
  LooseUpstreamBatch,
  SentBatch,
  StreamState,
  UpstreamAck,
} from '@gridbill/shared/sync';
import {
  buildAck,
  classifyBatch,
  computeWatermark,
  ed25519PrivateKeyFromSeed,
  eventContentHash,
  parseIngestBatch,
  planAfterAck,
  signSyncRequest,
  upstreamAckSchema,
  verifySyncRequest,
} from '@gridbill/shared/sync';
import { createPublicKey } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';

const GW = 'gw-proxy-1';
const INCARNATION = '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172';
const privateKey = ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(42));
const publicKey = createPublicKey(privateKey);
const NOW = 1767225600000;

/** Central: one stream per gateway, content hashes per seq, idempotent apply by event id. */
function createCentral() {
  const streams = new Map<string, StreamState>();
  const hashes = new Map<number, string>();
  const applied = new Map<string, number>();
  const app = new Hono();
  app.post('/sync/v1/gw/:gw/events', async (c) => {
    const body = await c.req.text();
    const auth = verifySyncRequest(
      { method: 'POST', pathAndQuery: c.req.path, body },
      (name) => c.req.header(name),
      (gw, kid) => (gw === GW && kid === 'k1' ? publicKey : null),
      NOW,
    );
    if (!auth.ok || auth.gatewayId !== c.req.param('gw')) return c.json({ error: 'auth' }, 401);
    let parsed: ReturnType<typeof parseIngestBatch>;
    try {
      parsed = parseIngestBatch(JSON.parse(body));
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
    return c.json(commit(parsed.batch, parsed.events));
  });
  /** The "transaction" (synchronous: nothing interleaves, like one SQLite writer). */
  const commit = (batch: LooseUpstreamBatch, parses: EventParse[]): UpstreamAck => {
    const state = streams.get(batch.gatewayId) ?? null;
    const classification = classifyBatch(state, batch, (seq) => hashes.get(seq));
    if (classification.kind !== 'apply') {
      return buildAck(batch, classification, state?.ackedThroughSeq ?? 0);
    }
    const stream = state ?? {
      incarnation: batch.incarnation,
      ackedThroughSeq: 0,
      retiredIncarnations: [],
    };
    streams.set(batch.gatewayId, stream);
    for (const event of classification.freshEvents) {
      hashes.set(event.seq, eventContentHash(event));
      if (parses[event.seq - batch.fromSeq]?.ok)
        applied.set(event.eventId, (applied.get(event.eventId) ?? 0) + 1);
    }
    const seqs = classification.freshEvents.map((e) => e.seq);
    stream.ackedThroughSeq = computeWatermark(stream.ackedThroughSeq, seqs).ackedThroughSeq;
    return buildAck(batch, classification, stream.ackedThroughSeq);
  };
  return { app, streams, applied };
}

/** Edge: an outbox of alarm events, sender with up to two batches in flight. */
function createEdge(baseUrl: () => string) {
  let nextSeq = 1;
  let outbox: { seq: number; event: unknown }[] = [];
  const produce = (count: number) => {
    for (let i = 0; i < count; i += 1, nextSeq += 1) {
      const id = `00000000-0000-8000-8000-${String(nextSeq).padStart(12, '0')}`;
      const body = {
        alarmId: id,
        code: 'comms-loss',
        severity: 'info',
        meterId: null,
        message: '',
      };
      const event = {
        seq: nextSeq,
        eventId: id,
        occurredAtMs: NOW,
        clockTrusted: true,
        kind: 'alarm',
        body,
      };
      outbox.push({ seq: nextSeq, event });
    }
  };
  const sendOne = async (rows: typeof outbox): Promise<void> => {
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    const sent: SentBatch = {
      gatewayId: GW,
      incarnation: INCARNATION,
      fromSeq: first.seq,
      toSeq: last.seq,
      headSeq: nextSeq - 1,
    };
    const body = JSON.stringify({
      v: 1,
      gatewayId: GW,
      incarnation: INCARNATION,
      fromSeq: first.seq,
      headSeq: sent.headSeq,
      sentAtMs: NOW,
      events: rows.map((r) => r.event),
    });
    const path = `/sync/v1/gw/${GW}/events`;
    const headers = signSyncRequest(
      { method: 'POST', pathAndQuery: path, body },
      { gatewayId: GW, keyId: 'k1', privateKey, timeMs: NOW },
    );
    try {
      const res = await fetch(`${baseUrl()}${path}`, {
        method: 'POST',
        body,
        headers: { ...headers, 'content-type': 'application/json', connection: 'close' },
        signal: AbortSignal.timeout(5000),
      });
      const plan = planAfterAck(sent, upstreamAckSchema.parse(await res.json()));
      if (plan.kind === 'prune') {
        outbox = outbox.filter((r) => r.seq < plan.pruneFromSeq || r.seq > plan.pruneThroughSeq);
      }
    } catch {
      // lost request or answer: the rows stay, the next round sends them again
    }
  };
  /** One round: the oldest 50 rows and the next 50, concurrently. */
  const round = async () => {
    const batches = [outbox.slice(0, 50), outbox.slice(50, 100)].filter((b) => b.length > 0);
    await Promise.all(batches.map(sendOne));
  };
  return { produce, round, pending: () => outbox.length, head: () => nextSeq - 1 };
}

describe('upstream sync through the fault proxy (real HTTP)', () => {
  const central = createCentral();
  let server: ReturnType<typeof serve>;
  let proxy: FaultProxy;
  const edge = createEdge(() => proxy.url);

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      server = serve(
        { fetch: central.app.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => resolve(info.port),
      );
    });
    proxy = await startFaultProxy(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('converges after lost requests and answers, duplicates, reorders, a partition', async () => {
    edge.produce(120);
    proxy.addFault({ kind: 'drop-response', times: 3 });
    proxy.addFault({ kind: 'duplicate', times: 2 });
    proxy.addFault({ kind: 'drop-request', times: 2 });
    for (let i = 0; i < 4; i += 1) await edge.round();
    edge.produce(100); // two full batches in flight, so the proxy can swap them
    proxy.addFault({ kind: 'reorder', times: 2 });
    await edge.round();
    proxy.setOnline(false); // days offline: the edge keeps producing and trying
    for (let i = 0; i < 5; i += 1) {
      edge.produce(200);
      await edge.round();
    }
    expect(edge.pending()).toBeGreaterThanOrEqual(1000);
    proxy.setOnline(true);
    for (let i = 0; i < 100 && edge.pending() > 0; i += 1) await edge.round();

    expect(edge.pending()).toBe(0);
    expect(central.streams.get(GW)?.ackedThroughSeq).toBe(edge.head());
    expect(central.applied.size).toBe(edge.head());
    expect([...central.applied.values()].every((count) => count === 1)).toBe(true);
    expect(proxy.stats.droppedResponses).toBe(3);
    expect(proxy.stats.duplicated).toBe(2);
    expect(proxy.stats.droppedRequests).toBe(2);
    expect(proxy.stats.reordered).toBe(2);
  });
});
