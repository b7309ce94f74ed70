/**
 * A minimal central for sender tests: a real HTTP server on 127.0.0.1 that keeps one gateway
 * stream with the shared protocol rules (`classifyBatch`, `computeWatermark`, `buildAck`), so
 * acks are central's; a test `handler` decides when each request is processed and what goes
 * back (hold, reorder, lose the answer after the commit). Records every applied seq.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamState, UpstreamAck } from '@gridbill/shared/sync';
import {
  buildAck,
  classifyBatch,
  computeWatermark,
  eventContentHash,
  parseLooseBatch,
} from '@gridbill/shared/sync';

export interface MiniCall {
  /** Arrival order, from 0. */
  index: number;
  fromSeq: number;
  /** Classifies and applies the batch now (idempotent per seq); returns central's ack. */
  apply: () => UpstreamAck;
}

export type MiniHandler = (call: MiniCall) => Promise<{ status: number; body: unknown }>;

export const answerNormally: MiniHandler = async (call) => ({ status: 200, body: call.apply() });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      text += d;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export async function startMiniCentral() {
  let state: StreamState | null = null;
  const hashes = new Map<number, string>();
  const applied: number[] = [];
  let handler: MiniHandler = answerNormally;
  let arrived = 0;
  let open = 0;
  let maxOpen = 0;

  const apply = (json: unknown): UpstreamAck => {
    const batch = parseLooseBatch(json);
    const c = classifyBatch(state, batch, (seq) => hashes.get(seq));
    if (c.kind !== 'apply') return buildAck(batch, c, state?.ackedThroughSeq ?? 0);
    if (c.incarnationChange) {
      const retired = state ? [...state.retiredIncarnations, state.incarnation] : [];
      state = { incarnation: batch.incarnation, ackedThroughSeq: 0, retiredIncarnations: retired };
      hashes.clear();
    }
    const current: StreamState = state ?? {
      incarnation: batch.incarnation,
      ackedThroughSeq: 0,
      retiredIncarnations: [],
    };
    for (const e of c.freshEvents) {
      hashes.set(e.seq, eventContentHash(e));
      applied.push(e.seq);
    }
    const seqs = c.freshEvents.map((e) => e.seq);
    const acked = computeWatermark(current.ackedThroughSeq, seqs).ackedThroughSeq;
    state = { ...current, ackedThroughSeq: acked };
    return buildAck(batch, c, acked);
  };

  const server = createServer(async (req, res) => {
    const index = arrived++;
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    try {
      const json = JSON.parse(await readBody(req)) as { fromSeq: number };
      const out = await handler({ index, fromSeq: json.fromSeq, apply: () => apply(json) });
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.body));
    } finally {
      open -= 1;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Seqs applied, in apply order (a seq twice = applied twice). */
    applied,
    setHandler(h: MiniHandler) {
      handler = h;
    },
    /** Requests received so far, and how many are being handled right now / at most. */
    stats: () => ({ arrived, open, maxOpen }),
    resetStats() {
      maxOpen = open;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type MiniCentral = Awaited<ReturnType<typeof startMiniCentral>>;
