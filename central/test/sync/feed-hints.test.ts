import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedHints } from '../../src/mqtt/feed-hints.js';
import { type Harness, seedAccount } from '../helpers/api-harness.js';
import { BACKENDS } from '../helpers/backends.js';
import { startSyncHarness } from './sync-harness.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

describe('central pull hints and relay commands (feed appends → MQTT link)', () => {
  let h: Harness;
  let meterId: string;
  const sent: { topic: 'pull' | 'relay'; gatewayId: string; body: unknown }[] = [];
  const link = {
    publishPullHint: async (gatewayId: string, checkpoint: unknown) => {
      sent.push({ topic: 'pull', gatewayId, body: checkpoint });
    },
    publishRelayCommand: async (gatewayId: string, order: unknown) => {
      sent.push({ topic: 'relay', gatewayId, body: order });
    },
  };
  beforeAll(async () => {
    h = await startSyncHarness(sqlite);
    ({ meterId } = await seedAccount(h, 'A-400', 'prepaid'));
  });
  afterAll(() => h.close());

  it('derive pass → one debounced hint per gateway; relay order → command + hint', async () => {
    const hints = startFeedHints({ ctx: h.ctx, link, periodMs: 1000, debounceMs: 200 });
    try {
      await hints.tick(); // keys + meter assignment appended: cseq 1..3
      await hints.tick(); // nothing new: no second hint scheduled
      expect(sent).toEqual([]);
      h.clock.advance(200);
      await until(() => sent.length === 1);
      expect(sent).toEqual([
        { topic: 'pull', gatewayId: 'gw-1', body: { feedEpoch: 'e1', cseq: 3 } },
      ]);

      const pay = {
        channel: 'counter',
        accountNumber: 'A-400',
        amountMinor: '900',
        currency: 'KES',
      };
      await h.call('cashier', 'POST', '/api/payments', pay, { 'idempotency-key': 'hint-pay-1' });
      await hints.tick();
      h.clock.advance(200);
      await until(() => sent.length === 2);
      expect(sent[1]).toMatchObject({ topic: 'pull', body: { cseq: 4 } });

      const order = {
        meterId,
        action: 'lock',
        priority: 9,
        reason: 'line work',
        expiresInSeconds: 600,
      };
      const res = await h.call('admin', 'POST', '/api/gateways/gw-1/relay-orders', order);
      expect(res.status).toBe(201);
      expect(sent[2]).toMatchObject({
        topic: 'relay',
        gatewayId: 'gw-1',
        body: { orderId: res.body.orderId },
      });
      h.clock.advance(200);
      await until(() => sent.length === 4);
      expect(sent[3]).toMatchObject({ topic: 'pull', body: { cseq: res.body.cseq } });
      expect(hints.stats).toMatchObject({ hints: 3, relayCommands: 1, failures: 0 });
    } finally {
      hints.stop();
    }
  });
});

async function until(condition: () => boolean, limitMs = 5000) {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (condition()) return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error('timed out');
}
