/**
 * SIGKILL at each durability boundary of the upstream path, with real processes: central
 * killed after its commit and before the ack, the gateway killed after receiving an ack and
 * before pruning (and right after pruning), when its next batch may already be on the wire
 * (the sender posts it before pruning). After a restart the drain resumes and the
 * convergence invariants hold.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CentralProcess, seedGateway, startCentral } from './central-process.js';
import { readCentral } from './central-ledger.js';
import { expectConverged } from './converged.js';
import { createEdgeNode, GATEWAY_KEY, INTERVAL_MS } from './edge-node.js';

const DAY0 = Date.UTC(2026, 9, 1);
const CHILD = resolve(import.meta.dirname, 'sender-child.ts');

describe('crash at sync durability boundaries', () => {
  let central: CentralProcess;
  let meters: { accountId: string; meterId: string }[];
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-sync-crash-'));
  const clock = createSystemClock();
  let produced = 0;

  beforeAll(async () => {
    central = await startCentral({ GRIDBILL_CRASH_AT: 'after_sync_commit_before_ack:2' });
    meters = await seedGateway(central, GATEWAY_KEY, 2);
  }, 120_000);
  afterAll(async () => {
    await central?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = (file: string, count: number) => {
    const edge = createEdgeNode(() => central.url, clock, { file, batchSize: 50 });
    for (let i = 0; i < count; i += 1, produced += 1)
      edge.produceInterval(meters, DAY0 + produced * INTERVAL_MS);
    edge.close();
  };
  const runChild = (file: string, crashAt: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', CHILD, file, central.url], {
      env: { ...process.env, GRIDBILL_CRASH_AT: crashAt },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('central killed after commit, before the ack: the resend is a duplicate', async () => {
    const file = join(dir, 'gateway.db');
    fill(file, 60); // 240 events, 5 batches of 50
    const edge = createEdgeNode(() => central.url, clock, { file, batchSize: 50 });
    const outcomes = await edge.sender.drain();
    expect(outcomes.map((o) => o.kind)).toEqual(['pruned', 'failed']);
    expect(await central.exited()).toBe('SIGKILL');
    await central.restart();
    const after = await edge.sender.drain();
    expect(after[0]).toMatchObject({ kind: 'pruned', duplicates: 50 });
    expectConverged(central.dbFile, edge, meters, produced);
    edge.close();
  }, 120_000);

  /** Central's acked seq once the killed sender's last request has settled (stable 300 ms). */
  const settledAckedSeq = async () => {
    const read = () => Number(readCentral(central.dbFile).stream?.acked_through_seq ?? 0n);
    let seen = read();
    for (let i = 0; i < 100; i += 1) {
      await new Promise((r) => setTimeout(r, 300));
      const now = read();
      if (now === seen) break;
      seen = now;
    }
    return seen;
  };

  for (const point of ['after_sync_ack_before_prune', 'after_sync_prune']) {
    it(`gateway killed at ${point}: restart resends, nothing lost or doubled`, async () => {
      const file = join(dir, 'gateway.db');
      fill(file, 30);
      const child = runChild(file, `${point}:2`);
      expect(child.signal).toBe('SIGKILL');
      const edge = createEdgeNode(() => central.url, clock, { file, batchSize: 50 });
      expect(edge.stream.pending()).toBeGreaterThan(0);
      // Rows still in the outbox that central already committed come back as duplicates. The
      // sender posts the next batch before it prunes the acked one, so besides the batch whose
      // ack was not yet applied (after_sync_ack_before_prune: 50 rows) the next batch (≤ 50
      // rows) may have reached central; after_sync_prune leaves only that next batch.
      const ackedSeq = await settledAckedSeq();
      const committed = edge.stream.oldest(10_000).filter((r) => r.seq <= ackedSeq).length;
      if (point === 'after_sync_prune') expect(committed).toBeLessThanOrEqual(50);
      // 0 when the kill met a retried batch's ack (under load), else at least the acked batch
      else expect(committed === 0 || committed >= 50, `committed ${committed}`).toBe(true);
      expect(committed).toBeLessThanOrEqual(100);
      const outcomes = await edge.sender.drain();
      const duplicates = outcomes.reduce((n, o) => n + (o.kind === 'pruned' ? o.duplicates : 0), 0);
      expect(duplicates, JSON.stringify(outcomes)).toBe(committed);
      expectConverged(central.dbFile, edge, meters, produced);
      edge.close();
    }, 120_000);
  }
});
