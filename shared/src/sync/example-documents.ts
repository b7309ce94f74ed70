import type { UpstreamAck, UpstreamBatchWire } from './upstream-batch.js';
import type { ChangeFeedPageWire } from './downstream-changes.js';

/** Wire examples (JSON as sent), shown in docs/sync.md and checked by the schema tests. */
export const exampleBatch: UpstreamBatchWire = {
  v: 1,
  gatewayId: 'gw-kisumu-01',
  incarnation: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
  fromSeq: 41,
  headSeq: 43,
  sentAtMs: 1767226500000,
  events: [
    {
      seq: 41,
      eventId: '8f0c2a1e-3b4d-8e5f-9a6b-7c8d9e0f1a2b',
      occurredAtMs: 1767225600000,
      clockTrusted: true,
      kind: 'interval',
      body: {
        meterId: 'm-000123',
        channel: 0,
        intervalStartMs: 1767224700000,
        intervalSeconds: 900,
        energyWh: 412,
        qualityFlags: 0,
      },
    },
    {
      seq: 42,
      eventId: '1d2e3f40-5162-8738-8495-a6b7c8d9eaf0',
      occurredAtMs: 1767225600000,
      clockTrusted: true,
      kind: 'charge',
      body: {
        chargeId: '1d2e3f40-5162-8738-8495-a6b7c8d9eaf0',
        accountId: 'acc-5521',
        meterId: 'm-000123',
        intervalStartMs: 1767224700000,
        intervalSeconds: 900,
        energyWh: 412,
        amountMinor: '8',
        currency: 'KES',
        tariffVersionId: 'tv-res-2026-01',
        priceSource: 'tariff',
      },
    },
    {
      seq: 43,
      eventId: '0b1c2d3e-4f50-8162-9374-85a6b7c8d9e0',
      occurredAtMs: 1767225612000,
      clockTrusted: true,
      kind: 'token-redemption',
      body: {
        tokenId: '0b1c2d3e-4f50-8162-9374-85a6b7c8d9e0',
        accountId: 'acc-5521',
        amountMinor: '50000',
        currency: 'KES',
        keyId: 'tok-2026a',
      },
    },
  ],
};

export const exampleAck: UpstreamAck = {
  v: 1,
  gatewayId: 'gw-kisumu-01',
  incarnation: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
  ackedThroughSeq: 43,
  expectedNextSeq: 44,
  action: 'continue',
  duplicateSeqs: [41],
  divergentSeqs: [],
  quarantined: [],
};

export const exampleChangePage: ChangeFeedPageWire = {
  v: 1,
  gatewayId: 'gw-kisumu-01',
  changes: [
    {
      cseq: 118,
      changeId: '5a6b7c8d-9e0f-8a1b-8c2d-3e4f5a6b7c8d',
      kind: 'credit',
      body: {
        entryId: '0b1c2d3e-4f50-8162-9374-85a6b7c8d9e0',
        accountId: 'acc-5521',
        amountMinor: '50000',
        currency: 'KES',
        source: 'token-issue',
        reference: 'mpesa:QF71K2ZP0A',
        postedAtMs: 1767225000000,
      },
    },
    {
      cseq: 120,
      changeId: '6b7c8d9e-0f1a-8b2c-9d3e-4f5a6b7c8d9e',
      kind: 'relay-order',
      body: {
        orderId: 'ord-77',
        meterId: 'm-000123',
        action: 'lock',
        priority: 9,
        reason: 'safety: line work on feeder F3',
        issuedAtMs: 1767225000000,
        expiresAtMs: 1767268200000,
      },
    },
  ],
  checkpoint: { feedEpoch: 'e1', cseq: 120 },
  hasMore: false,
};
