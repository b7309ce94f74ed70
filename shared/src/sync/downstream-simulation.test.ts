/**
 * The downstream change feed as a model: central appends credits (some are offline top-up
 * tokens the gateway may redeem before the credit arrives), the edge pulls pages through an
 * adversarial network (lost answers, stale pages delivered late, duplicated pages) and central
 * may rebuild the feed (new epoch → snapshot). Pages cross the wire as JSON through
 * changeFeedPageSchema. After healing, the edge holds every credit exactly once, whichever
 * way (token or feed, in either order) it arrived.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { advanceCheckpoint, compareCheckpoint } from './checkpoint.js';
import type { Checkpoint, ChangeFeedPageWire, DownstreamChange } from './downstream-changes.js';
import { changeFeedPageSchema } from './downstream-changes.js';

const GW = 'gw-down';
const uuid = (n: number) => `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`;

interface Central {
  epoch: number;
  credits: { entryId: string; amountMinor: bigint }[];
  feed: DownstreamChange[];
}

interface Edge {
  checkpoint: Checkpoint | null;
  /** Inbox: change ids applied (in the same transaction as their effect). */
  inbox: Set<string>;
  /** Append-only ledger; an entry id (credit or redeemed token) may appear once. */
  ledger: { entryId: string; amountMinor: bigint }[];
}

function appendCredit(central: Central, n: number, amountMinor: bigint): void {
  const entryId = uuid(n);
  central.credits.push({ entryId, amountMinor });
  central.feed.push({
    cseq: central.feed.length + 1,
    changeId: uuid(100_000 + central.epoch * 10_000 + central.feed.length + 1),
    kind: 'credit',
    body: {
      entryId,
      accountId: 'acc-1',
      amountMinor,
      currency: 'KES',
      source: 'token-issue',
      reference: `token:${entryId}`,
      postedAtMs: 1767225600000,
    },
  });
}

/** Central rebuilds the feed (e.g. restored from backup): new epoch, renumbered cseqs. */
function rebuild(central: Central): void {
  central.epoch += 1;
  const credits = central.credits;
  central.credits = [];
  central.feed = [];
  for (const credit of credits) {
    appendCredit(central, Number.parseInt(credit.entryId.slice(-12), 10), credit.amountMinor);
  }
}

function head(central: Central): Checkpoint {
  return { feedEpoch: `e${central.epoch}`, cseq: central.feed.length };
}

/** GET /changes?epoch&after&limit, as JSON text on the wire. */
function servePage(central: Central, after: number, limit: number): string {
  const changes = central.feed.filter((c) => c.cseq > after).slice(0, limit);
  const last = changes[changes.length - 1];
  const page = {
    v: 1 as const,
    gatewayId: GW,
    changes,
    checkpoint: { feedEpoch: `e${central.epoch}`, cseq: last?.cseq ?? after },
    hasMore: central.feed.some((c) => c.cseq > (last?.cseq ?? after)),
  };
  return JSON.stringify(z.encode(changeFeedPageSchema, page) satisfies ChangeFeedPageWire);
}

/** One edge transaction: inbox rows, effects and the new checkpoint, all or nothing. */
function applyPage(edge: Edge, text: string): void {
  const page = changeFeedPageSchema.parse(JSON.parse(text));
  if (edge.checkpoint === null) return;
  let next: Checkpoint;
  try {
    next = advanceCheckpoint(edge.checkpoint, page);
  } catch {
    return; // stale, replayed or foreign-epoch page: nothing changes
  }
  for (const change of page.changes) {
    if (edge.inbox.has(change.changeId)) continue;
    edge.inbox.add(change.changeId);
    if (change.kind === 'credit') post(edge, change.body.entryId, change.body.amountMinor);
  }
  edge.checkpoint = next;
}

/** Posts a ledger entry unless its id is already there (the idempotency key). */
function post(edge: Edge, entryId: string, amountMinor: bigint): void {
  if (edge.ledger.some((e) => e.entryId === entryId)) return;
  edge.ledger.push({ entryId, amountMinor });
}

/** Snapshot: central's credits the edge lacks are posted; its own entries stay. */
function applySnapshot(edge: Edge, central: Central): void {
  for (const credit of central.credits) post(edge, credit.entryId, credit.amountMinor);
  edge.checkpoint = head(central);
}

/** The edge's pull step: compare with central's head, then snapshot or pull a page. */
function pull(edge: Edge, central: Central, limit: number): string | null {
  const relation = compareCheckpoint(edge.checkpoint, head(central));
  if (relation === 'none' || relation === 'epoch-changed' || relation === 'ahead') {
    applySnapshot(edge, central);
    return null;
  }
  return relation === 'behind' ? servePage(central, edge.checkpoint!.cseq, limit) : null;
}

type Step =
  | { op: 'credit'; amount: number }
  | { op: 'redeem'; pick: number }
  | { op: 'pull'; limit: number; fate: 'ok' | 'lost' | 'late' }
  | { op: 'deliver-late' }
  | { op: 'rebuild' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 99_999 }) }),
  fc.record({ op: fc.constant('redeem' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('pull' as const),
    limit: fc.integer({ min: 1, max: 4 }),
    fate: fc.constantFrom('ok' as const, 'lost' as const, 'late' as const),
  }),
  fc.constant({ op: 'deliver-late' as const }),
  fc.constant({ op: 'rebuild' as const }),
);

function simulate(steps: Step[]) {
  const central: Central = { epoch: 1, credits: [], feed: [] };
  const edge: Edge = { checkpoint: null, inbox: new Set(), ledger: [] };
  const late: string[] = [];
  let next = 1;
  for (const step of steps) {
    if (step.op === 'credit') appendCredit(central, next++, BigInt(step.amount));
    if (step.op === 'redeem' && central.credits.length > 0) {
      // The customer types the token at the gateway: same entry id as central's credit.
      const credit = central.credits[step.pick % central.credits.length]!;
      post(edge, credit.entryId, credit.amountMinor);
    }
    if (step.op === 'pull') {
      const page = pull(edge, central, step.limit);
      if (page !== null && step.fate === 'ok') applyPage(edge, page);
      if (page !== null && step.fate === 'late') late.push(page);
    }
    if (step.op === 'deliver-late') {
      const page = late.shift();
      if (page !== undefined) applyPage(edge, page);
    }
    if (step.op === 'rebuild') rebuild(central);
  }
  for (const page of late) applyPage(edge, page); // stragglers after healing
  for (let i = 0; i < 1000 && compareCheckpoint(edge.checkpoint, head(central)) !== 'equal'; i++) {
    const page = pull(edge, central, 3);
    if (page !== null) applyPage(edge, page);
  }
  return { central, edge };
}

describe('downstream change feed under faults (model)', () => {
  it('ends with every credit on the edge exactly once, via token or feed', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { central, edge } = simulate(steps);
        expect(compareCheckpoint(edge.checkpoint, head(central))).toBe('equal');
        const sorted = (rows: { entryId: string; amountMinor: bigint }[]) =>
          rows.map((r) => `${r.entryId}=${r.amountMinor}`).sort();
        expect(sorted(edge.ledger)).toEqual(sorted(central.credits));
      }),
      { numRuns: 300 },
    );
  });

  it('credits once when the token is redeemed before and after the feed delivers it', () => {
    const tokenFirst = simulate([
      { op: 'credit', amount: 500 },
      { op: 'redeem', pick: 0 },
      { op: 'pull', limit: 4, fate: 'ok' },
      { op: 'pull', limit: 4, fate: 'ok' },
    ]);
    const feedFirst = simulate([
      { op: 'pull', limit: 4, fate: 'ok' },
      { op: 'credit', amount: 500 },
      { op: 'pull', limit: 4, fate: 'ok' },
      { op: 'redeem', pick: 0 },
    ]);
    for (const { edge } of [tokenFirst, feedFirst]) {
      expect(edge.ledger.map((e) => e.amountMinor)).toEqual([500n]);
    }
  });
});
