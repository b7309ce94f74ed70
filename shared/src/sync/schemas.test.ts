import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { changeFeedPageSchema, relayOrderBodySchema } from './downstream-changes.js';
import { exampleAck, exampleBatch, exampleChangePage } from './example-documents.js';
import { describeIssues } from './parse-batch.js';
import { snapshotSchema } from './snapshot.js';
import { upstreamAckSchema, upstreamBatchSchema } from './upstream-batch.js';
import { relayOutcomeSchema } from './mqtt-messages.js';
import { eventContentHash, relayEventBodySchema } from './upstream-events.js';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('upstream batch schema', () => {
  it('decodes money to bigint and encodes it back to the same JSON', () => {
    const batch = upstreamBatchSchema.parse(exampleBatch);
    const charge = batch.events[1];
    expect(charge?.kind).toBe('charge');
    if (charge?.kind === 'charge') expect(charge.body.amountMinor).toBe(8n);
    expect(z.encode(upstreamBatchSchema, batch)).toEqual(exampleBatch);
  });

  it('refuses non-contiguous seqs and says which one', () => {
    const bad = clone(exampleBatch);
    bad.events[2]!.seq = 45;
    const result = upstreamBatchSchema.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeIssues(result.error)).toEqual([
        'events.2.seq: events must be contiguous from fromSeq 41: expected seq 43, got 45',
      ]);
    }
  });

  it('refuses float energy, float money and unknown fields', () => {
    const floatEnergy = clone(exampleBatch);
    (floatEnergy.events[0]!.body as { energyWh: number }).energyWh = 41.2;
    expect(upstreamBatchSchema.safeParse(floatEnergy).success).toBe(false);
    const floatMoney = clone(exampleBatch);
    (floatMoney.events[1]!.body as { amountMinor: string }).amountMinor = '8.5';
    expect(upstreamBatchSchema.safeParse(floatMoney).success).toBe(false);
    const oddInterval = clone(exampleBatch);
    (oddInterval.events[0]!.body as { intervalSeconds: number }).intervalSeconds = 700;
    const odd = upstreamBatchSchema.safeParse(oddInterval);
    expect(odd.success ? [] : describeIssues(odd.error)).toEqual([
      'events.0.body.intervalSeconds: intervalSeconds must be one of 60, 300, 600, 900, 1800, 3600',
    ]);
    const extra = clone(exampleBatch) as unknown as Record<string, unknown>;
    extra.extra = 1;
    expect(upstreamBatchSchema.safeParse(extra).success).toBe(false);
  });

  it('refuses a gateway id that could break an MQTT topic', () => {
    expect(upstreamBatchSchema.safeParse({ ...exampleBatch, gatewayId: 'gw/1' }).success).toBe(
      false,
    );
    expect(upstreamBatchSchema.safeParse({ ...exampleBatch, gatewayId: 'gw-#' }).success).toBe(
      false,
    );
  });

  it('parses the example ack', () => {
    expect(upstreamAckSchema.parse(exampleAck)).toEqual(exampleAck);
  });
});

describe('event content hash', () => {
  it('is equal for the wire form and the decoded form, and ignores seq', () => {
    const decoded = upstreamBatchSchema.parse(exampleBatch).events[1]!;
    const wire = exampleBatch.events[1]!;
    expect(eventContentHash(decoded)).toBe(eventContentHash(wire));
    const renumbered: typeof wire = { ...wire, seq: 99 };
    expect(eventContentHash(renumbered)).toBe(eventContentHash(wire));
  });

  it('changes when the body changes', () => {
    const wire = exampleBatch.events[0]!;
    const changed = { ...wire, body: { ...(wire.body as object), energyWh: 413 } };
    expect(eventContentHash(changed)).not.toBe(eventContentHash(wire));
  });
});

describe('downstream schemas', () => {
  it('parses the example change page and keeps cseq order', () => {
    const page = changeFeedPageSchema.parse(exampleChangePage);
    expect(page.changes.map((c) => c.cseq)).toEqual([118, 120]);
    const first = page.changes[0]!;
    if (first.kind === 'credit') expect(first.body.amountMinor).toBe(50000n);
  });

  it('refuses a page whose checkpoint is not its last change', () => {
    const bad = clone(exampleChangePage);
    bad.checkpoint.cseq = 119;
    const result = changeFeedPageSchema.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeIssues(result.error)[0]).toBe(
        "checkpoint.cseq: checkpoint cseq 119 must equal the last change's 120",
      );
    }
  });

  it('refuses decreasing cseqs', () => {
    const bad = clone(exampleChangePage);
    bad.changes.reverse();
    bad.checkpoint.cseq = 118;
    expect(changeFeedPageSchema.safeParse(bad).success).toBe(false);
  });

  it('refuses a relay order that expires before it is issued', () => {
    const order = clone(exampleChangePage.changes[1]!.body) as Record<string, unknown>;
    order.expiresAtMs = order.issuedAtMs;
    const result = relayOrderBodySchema.safeParse(order);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeIssues(result.error)).toEqual([
        'expiresAtMs: expiresAtMs must be after issuedAtMs',
      ]);
    }
  });

  it('parses a snapshot with balances as bigint', () => {
    const snapshot = snapshotSchema.parse({
      v: 1,
      gatewayId: 'gw-kisumu-01',
      takenAtMs: 1767225000000,
      checkpoint: { feedEpoch: 'e1', cseq: 120 },
      tariffVersions: [],
      accounts: [
        {
          accountId: 'acc-5521',
          currency: 'KES',
          mode: 'prepaid',
          status: 'active',
          tariffId: 't-res',
          version: 3,
        },
      ],
      meters: [{ meterId: 'm-000123', accountId: 'acc-5521', validFromMs: 0, version: 1 }],
      balances: [
        {
          accountId: 'acc-5521',
          currency: 'KES',
          balanceMinor: '90071992547409930',
          includesEdgeSeqThrough: 43,
          incarnation: exampleBatch.incarnation,
          credits: [{ entryId: exampleBatch.events[2]!.eventId, amountMinor: '50000' }],
        },
      ],
      relayOrders: [],
      keys: [],
      redeemedTokenIds: [],
    });
    expect(snapshot.balances[0]?.balanceMinor).toBe(90071992547409930n);
  });
});

describe('relay state after a command', () => {
  it('is the same set on the HTTP relay-event and the MQTT outcome, armed included', () => {
    const outcome = {
      v: 1,
      commandId: 'ord-1',
      meterId: 'm1',
      outcome: 'done',
      relayStateAfter: 'armed',
      atMs: 1_767_225_600_000,
    };
    expect(relayOutcomeSchema.parse(outcome).relayStateAfter).toBe('armed');
    expect(relayEventBodySchema.shape.relayStateAfter.options).toEqual(
      relayOutcomeSchema.shape.relayStateAfter.options,
    );
    expect(relayOutcomeSchema.safeParse({ ...outcome, relayStateAfter: 'open' }).success).toBe(
      false,
    );
  });
});
