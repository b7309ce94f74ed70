import { describe, expect, it } from 'vitest';
import { exampleAck } from './example-documents.js';
import type { SentBatch } from './plan-after-ack.js';
import { planAfterAck } from './plan-after-ack.js';

const sent: SentBatch = {
  gatewayId: exampleAck.gatewayId,
  incarnation: exampleAck.incarnation,
  fromSeq: 41,
  toSeq: 43,
  headSeq: 60,
};

describe('planAfterAck', () => {
  it('prunes only the sent rows up to the acked seq', () => {
    expect(planAfterAck(sent, { ...exampleAck, ackedThroughSeq: 42 })).toEqual({
      kind: 'prune',
      pruneFromSeq: 41,
      pruneThroughSeq: 42,
    });
    expect(planAfterAck(sent, { ...exampleAck, ackedThroughSeq: 55 })).toEqual({
      kind: 'prune',
      pruneFromSeq: 41,
      pruneThroughSeq: 43,
    });
  });

  it('resends when central is behind the batch or asks for it', () => {
    expect(planAfterAck(sent, { ...exampleAck, ackedThroughSeq: 40 })).toEqual({ kind: 'resend' });
    expect(
      planAfterAck(sent, { ...exampleAck, action: 'resend-from', ackedThroughSeq: 12 }),
    ).toEqual({ kind: 'resend' });
  });

  it('starts a new incarnation when central says so', () => {
    const ack = { ...exampleAck, action: 'new-incarnation' as const, ackedThroughSeq: 90 };
    expect(planAfterAck(sent, ack)).toEqual({ kind: 'new-incarnation' });
  });

  it('rejects foreign and impossible acks', () => {
    expect(planAfterAck(sent, { ...exampleAck, gatewayId: 'gw-other' }).kind).toBe('reject');
    const other = { ...exampleAck, incarnation: '0193a2c4-5e6f-7a80-9b1c-000000000000' };
    expect(planAfterAck(sent, other).kind).toBe('reject');
    expect(planAfterAck(sent, { ...exampleAck, ackedThroughSeq: 61 })).toEqual({
      kind: 'reject',
      reason: 'ack through seq 61 is beyond the outbox head 60',
    });
  });
});
