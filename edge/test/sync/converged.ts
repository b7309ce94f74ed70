import { expect } from 'vitest';
import { readCentral } from './central-ledger.js';
import type { EdgeNode } from './edge-node.js';

/**
 * The convergence invariants: outbox empty, central's watermark at the edge head, the same
 * charge ids on both sides, equal balances per account, every interval applied exactly once.
 */
export function expectConverged(
  centralDbFile: string,
  edge: EdgeNode,
  meters: { accountId: string; meterId: string }[],
  intervalsPerMeter: number,
): void {
  expect(edge.stream.pending()).toBe(0);
  const c = readCentral(centralDbFile);
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
  expect(c.intervalsApplied).toBe(intervalsPerMeter * meters.length);
}
