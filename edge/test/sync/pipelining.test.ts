/**
 * The upstream sender's pipelining against a real HTTP central that follows the shared protocol
 * rules: by default one batch on the wire while the next is prepared; `inFlight: 2` puts two on
 * the wire. Pipelining must not change the guarantees:
 * the outbox only ever loses a prefix, and only rows an ack covers; a batch that overtakes its
 * predecessor is refused (gap) and resent; an answer lost after central committed leaves every
 * row in place (even when a later batch's ack arrived); a renumbering waits until nothing is on
 * the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { contentId, createSeededRandom, createUuidV7 } from '@gridbill/shared/ids';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-store.js';
import { Outbox } from '../../src/store/outbox.js';
import { createUpstreamSender, OutboxStream } from '../../src/sync/index.js';
import { GATEWAY_KEY } from './edge-node.js';
import { answerNormally, type MiniCentral, startMiniCentral } from './mini-central.js';

const EVENTS = 40;
const BATCH = 10;
const clock = createSystemClock();
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A promise with its resolve function. */
function signal() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('pipelined upstream sender', () => {
  let central: MiniCentral;
  let dir: string;
  let edge: ReturnType<typeof createGateway>;

  function createGateway(inFlight?: number) {
    const newId = createUuidV7(clock, createSeededRandom(dir));
    const { db } = openDatabase(join(dir, 'gateway.db'), {
      newIncarnationId: newId,
      wallMs: clock.wallMs(),
    });
    const outbox = new Outbox(db);
    const stream = new OutboxStream(db, outbox);
    db.transaction(() => {
      for (let i = 0; i < EVENTS; i += 1) {
        const eventId = contentId('test-alarm', i);
        const body = {
          alarmId: eventId,
          code: 'test',
          severity: 'info',
          meterId: null,
          message: '',
        };
        outbox.append({ kind: 'alarm', eventId, body }, { wallMs: 1000 + i, trusted: true });
      }
    })();
    const sender = createUpstreamSender({
      stream,
      gatewayId: 'gw-1',
      keyId: 'k1',
      privateKey: GATEWAY_KEY,
      baseUrl: () => central.url,
      clock,
      newIncarnationId: newId,
      batchSize: BATCH,
      timeoutMs: 10_000,
      ...(inFlight === undefined ? {} : { inFlight }),
    });
    return { db, stream, sender };
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridbill-pipeline-'));
    central = await startMiniCentral();
  });
  afterEach(async () => {
    edge?.db.close();
    await central?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inFlight 2 sends the next batch before the previous one is answered', async () => {
    edge = createGateway(2);
    const arrivals = range(1, EVENTS / BATCH).map(signal);
    central.setHandler(async (call) => {
      arrivals[call.index]?.resolve();
      // hold each answer until the next request is on the wire (or 1 s: then it is not)
      const next = arrivals[call.index + 1]?.promise ?? Promise.resolve();
      await Promise.race([next, new Promise((r) => setTimeout(r, 1000))]);
      return { status: 200, body: call.apply() };
    });
    const outcomes = await edge.sender.drain();
    expect(outcomes.map((o) => o.kind)).toEqual(['pruned', 'pruned', 'pruned', 'pruned', 'idle']);
    expect(central.stats().maxOpen).toBe(2);
    expect(central.applied).toEqual(range(1, EVENTS));
    expect(edge.stream.pending()).toBe(0);
  });

  it('by default one batch is on the wire while the next is prepared', async () => {
    edge = createGateway();
    let prepared = 0;
    const batchAfter = edge.stream.batchAfter.bind(edge.stream);
    edge.stream.batchAfter = (afterSeq, limit, maxChars) => {
      prepared += 1;
      return batchAfter(afterSeq, limit, maxChars);
    };
    const preparedWhileAtCentral: number[] = [];
    central.setHandler(async (call) => {
      await new Promise((r) => setTimeout(r, 30));
      preparedWhileAtCentral.push(prepared);
      return { status: 200, body: call.apply() };
    });
    const outcomes = await edge.sender.drain();
    expect(outcomes.filter((o) => o.kind === 'pruned')).toHaveLength(EVENTS / BATCH);
    expect(central.stats().maxOpen).toBe(1);
    // while batch i (from 0) is at central, batch i + 1 is already read, built and signed
    // (the last read finds nothing: 4 batches + 1)
    expect(preparedWhileAtCentral).toEqual([2, 3, 4, 5]);
    expect(central.applied).toEqual(range(1, EVENTS));
  });

  it('a prepared batch is dropped when the answer before it is not a full prune', async () => {
    edge = createGateway();
    const requests: { fromSeq: number; incarnation: string }[] = [];
    central.setHandler(async (call) => {
      const ack = call.apply();
      requests.push({ fromSeq: call.fromSeq, incarnation: ack.incarnation });
      if (call.index === 0) return { status: 200, body: { ...ack, action: 'new-incarnation' } };
      return { status: 200, body: ack };
    });
    const outcomes = await edge.sender.drain();
    expect(outcomes[0]?.kind).toBe('new-incarnation');
    // the batch prepared from seq 11 under the old incarnation never went out
    expect(requests.map((r) => r.fromSeq)).toEqual([1, 1, 11, 21, 31]);
    expect(new Set(requests.slice(1).map((r) => r.incarnation)).size).toBe(1);
    expect(requests[1]?.incarnation).not.toBe(requests[0]?.incarnation);
    expect(edge.stream.pending()).toBe(0);
  });

  it('an overtaking batch is refused (gap) and resent: nothing lost', async () => {
    edge = createGateway(2);
    const secondAnswered = signal();
    central.setHandler(async (call) => {
      if (call.index === 0) await secondAnswered.promise;
      const body = call.apply();
      if (call.index === 1) {
        expect(body.action).toBe('resend-from');
        setImmediate(secondAnswered.resolve);
      }
      return { status: 200, body };
    });
    const outcomes = await edge.sender.drain();
    expect(outcomes[0]).toMatchObject({ kind: 'pruned', ackedThroughSeq: BATCH });
    expect(outcomes[1]?.kind).toBe('resend');
    expect(outcomes[outcomes.length - 1]?.kind).toBe('idle');
    expect(central.applied).toEqual(range(1, EVENTS));
    expect(edge.stream.pending()).toBe(0);
  });

  it('answer lost after commit: a later ack prunes nothing out of order', async () => {
    edge = createGateway(2);
    const firstCommitted = signal();
    central.setHandler(async (call) => {
      if (call.index === 0) {
        call.apply();
        firstCommitted.resolve();
        return { status: 502, body: { error: 'connection lost' } };
      }
      if (call.index === 1) await firstCommitted.promise;
      return { status: 200, body: call.apply() };
    });
    const outcomes = await edge.sender.drain();
    expect(outcomes.map((o) => o.kind)).toEqual(['failed']);
    expect(central.applied).toEqual(range(1, 2 * BATCH));
    // central acked through 20 for the second batch; the edge kept all rows (prefix rule)
    expect(edge.stream.pending()).toBe(EVENTS);
    expect(edge.stream.oldest(1)[0]?.seq).toBe(1);

    central.setHandler(answerNormally);
    const again = await edge.sender.drain();
    expect(again.slice(0, 2)).toMatchObject([
      { kind: 'pruned', duplicates: BATCH },
      { kind: 'pruned', duplicates: BATCH },
    ]);
    expect(central.applied).toEqual(range(1, EVENTS));
    expect(edge.stream.pending()).toBe(0);
  });

  it('a new incarnation is started only when nothing is on the wire', async () => {
    edge = createGateway(2);
    const openAtRenumber: number[] = [];
    const renumber = edge.stream.renumber.bind(edge.stream);
    edge.stream.renumber = (incarnation: string) => {
      openAtRenumber.push(central.stats().open);
      renumber(incarnation);
    };
    const secondArrived = signal();
    central.setHandler(async (call) => {
      const ack = call.apply();
      if (call.index === 0) {
        await secondArrived.promise; // the second batch is on the wire when this answer lands
        return { status: 200, body: { ...ack, action: 'new-incarnation' } };
      }
      secondArrived.resolve();
      await new Promise((r) => setTimeout(r, 200));
      return { status: 200, body: ack };
    });
    const outcomes = await edge.sender.drain(2);
    expect(outcomes.map((o) => o.kind)).toEqual(['new-incarnation', 'pruned']);
    expect(openAtRenumber).toEqual([0]);
    // the rows were renumbered from 1 and the new incarnation starts there
    expect(outcomes[1]).toMatchObject({ kind: 'pruned', ackedThroughSeq: BATCH });
    central.setHandler(answerNormally);
    await edge.sender.drain();
    expect(edge.stream.pending()).toBe(0);
  });

  it('sendRound sends at most maxBatches and reports the last outcome', async () => {
    edge = createGateway();
    expect(await edge.sender.sendRound(2)).toMatchObject({ kind: 'pruned', ackedThroughSeq: 20 });
    expect(edge.stream.pending()).toBe(EVENTS - 2 * BATCH);
    expect(await edge.sender.sendRound()).toEqual({ kind: 'idle' });
    expect(edge.stream.pending()).toBe(0);
  });
});
