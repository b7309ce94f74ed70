/**
 * Edge ↔ central upstream over a fault-injecting proxy, with a real central process (CLI,
 * SQLite) and the real gateway store: lost requests, answers lost after central committed,
 * duplicated and reordered batches, three days of readings made while offline. After healing:
 * outbox empty, central's watermark at the edge head, the same charge ids on both sides,
 * equal balances per account and every interval applied exactly once.
 */
import { createSystemClock } from '@gridbill/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CentralProcess, seedGateway, startCentral } from './central-process.js';
import { readCentral } from './central-ledger.js';
import { createEdgeNode, type EdgeNode, GATEWAY_KEY, INTERVAL_MS } from './edge-node.js';
import { type FaultProxyHandle, startFaultProxy } from './fault-proxy-handle.js';

const DAY0 = Date.UTC(2026, 9, 1);

describe('upstream sync through the fault proxy (real central process)', () => {
  let central: CentralProcess;
  let proxy: FaultProxyHandle;
  let edge: EdgeNode;
  let meters: { accountId: string; meterId: string }[];
  let produced = 0;
  const produce = (count: number) => {
    for (let i = 0; i < count; i += 1, produced += 1) {
      edge.produceInterval(meters, DAY0 + produced * INTERVAL_MS);
    }
  };
  const drain = async (rounds: number) => {
    for (let i = 0; i < rounds && edge.stream.pending() > 0; i += 1) await edge.sender.sendOnce();
  };

  beforeAll(async () => {
    central = await startCentral();
    meters = await seedGateway(central, GATEWAY_KEY, 3);
    proxy = await startFaultProxy(central.url);
    edge = createEdgeNode(() => proxy.url, createSystemClock());
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    await proxy?.close();
    await central?.close();
  });

  it('converges with nothing lost and nothing counted twice', async () => {
    produce(40); // 240 events
    proxy.addFault({ kind: 'drop-response', times: 2 });
    proxy.addFault({ kind: 'duplicate', times: 2 });
    proxy.addFault({ kind: 'drop-request', times: 2 });
    await drain(20);
    expect(edge.stream.pending()).toBe(0);

    produce(10);
    proxy.addFault({ kind: 'reorder', times: 2 });
    await Promise.all([edge.sender.sendOnce(), edge.sender.sendOnce()]);
    await drain(5);

    proxy.setOnline(false);
    for (let day = 0; day < 3; day += 1) {
      produce(96);
      const outcome = await edge.sender.sendOnce();
      expect(outcome.kind).toBe('failed');
    }
    expect(edge.stream.pending()).toBe(96 * 3 * 3 * 2);
    proxy.setOnline(true);
    await drain(50);

    expect(edge.stream.pending()).toBe(0);
    const c = readCentral(central.dbFile);
    expect(Number(c.stream?.acked_through_seq)).toBe(edge.stream.headSeq());
    const edgeCharges = edge.charges();
    expect(new Set(c.chargeIds)).toEqual(new Set(edgeCharges.map((x) => x.id)));
    expect(c.chargeIds.length).toBe(edgeCharges.length);
    for (const m of meters) {
      const edgeSum = edgeCharges
        .filter((x) => x.account_id === m.accountId)
        .reduce((sum, x) => sum + BigInt(x.amount_minor), 0n);
      expect(c.balances.get(m.accountId)).toBe(edgeSum);
    }
    expect(c.intervalsApplied).toBe(produced * meters.length);
    expect(proxy.stats.droppedResponses).toBe(2);
    expect(proxy.stats.duplicated).toBe(2);
    expect(proxy.stats.droppedRequests).toBe(2);
    expect(proxy.stats.reordered).toBe(2);
  }, 120_000);
});
