import { upstreamEventSchema } from '@gridbill/shared/sync';
import { describe, expect, it } from 'vitest';
import { standingChargeEntry } from './fee-postings.js';

function event(entryKind: string, amountMinor: string) {
  return upstreamEventSchema.parse({
    seq: 7,
    eventId: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
    occurredAtMs: 1_772_438_400_000,
    clockTrusted: true,
    kind: 'balance-change',
    body: {
      entryId: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
      accountId: 'A-1',
      entryKind,
      amountMinor,
      currency: 'KES',
      balanceAfterMinor: '700',
      reference: 'standing charge std 2026-03-02 (flat-1)',
    },
  });
}

describe('standingChargeEntry', () => {
  it('posts a drawn standing charge to the fees receivable, once by the edge entry id', () => {
    const e = event('fixed-fee', '-300');
    if (e.kind !== 'balance-change') throw new Error('kind');
    expect(standingChargeEntry(e, 'gw-1')).toEqual({
      id: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
      kind: 'charge',
      currency: 'KES',
      effectiveAtMs: 1_772_438_400_000,
      postings: [
        { account: 'receivable:A-1:fees', amountMinor: 300n },
        { account: 'revenue:fixed', amountMinor: -300n },
      ],
      memo: 'edge standing charge std 2026-03-02 (flat-1)',
      actorId: 'gateway:gw-1',
    });
  });

  it('other balance changes and zero amounts post nothing', () => {
    for (const [kind, amount] of [
      ['token', '500'],
      ['charge', '-8'],
      ['fixed-fee', '0'],
    ] as const) {
      const e = event(kind, amount);
      if (e.kind !== 'balance-change') throw new Error('kind');
      expect(standingChargeEntry(e, 'gw-1')).toBeNull();
    }
  });
});
