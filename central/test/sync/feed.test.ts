import { changeFeedPageSchema } from '@gridbill/shared/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { getSigned, startSyncHarness } from './sync-harness.js';

const FEED = '/sync/v1/gw/gw-1/changes';

describe.each(BACKENDS)('downstream change feed on $name', (b) => {
  let h: Harness;
  let meterId: string;
  let accountId: string;
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    ({ meterId, accountId } = await seedAccount(h, 'A-200', 'prepaid'));
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: assignments and payment credits, once`, async () => {
    const pay = await h.call(
      'cashier',
      'POST',
      '/api/payments',
      { channel: 'counter', accountNumber: 'A-200', amountMinor: '50000', currency: 'KES' },
      { 'idempotency-key': 'feed-pay-1' },
    );
    expect(pay.status).toBe(201);
    const first = await getSigned(h, `${FEED}?after=0&limit=3`);
    expect(first.status).toBe(200);
    const page1 = changeFeedPageSchema.parse(first.body);
    expect(page1).toMatchObject({ checkpoint: { feedEpoch: 'e1', cseq: 3 }, hasMore: true });
    // central's signing key first (token + tariff verification), then the assignment
    expect(page1.changes.map((c) => c.kind)).toEqual([
      'key-rotation',
      'key-rotation',
      'meter-assignment',
    ]);
    expect(page1.changes[2]).toMatchObject({ body: { meterId } });
    const page2 = changeFeedPageSchema.parse(
      (await getSigned(h, `${FEED}?epoch=e1&after=3&limit=10`)).body,
    );
    expect(page2.changes).toHaveLength(1);
    expect(page2.changes[0]).toMatchObject({
      cseq: 4,
      kind: 'credit',
      body: { entryId: pay.body.entryId, accountId, amountMinor: 50000n, source: 'payment' },
    });
    expect(page2.hasMore).toBe(false);
    const again = (await getSigned(h, `${FEED}?epoch=e1&after=4`)).body;
    expect(again).toMatchObject({ changes: [], checkpoint: { cseq: 4 }, hasMore: false });
    // a gateway ahead of the feed (central restored from a backup) is told the head
    const ahead = (await getSigned(h, `${FEED}?epoch=e1&after=99`)).body;
    expect(ahead).toMatchObject({ changes: [], checkpoint: { cseq: 4 } });
    const otherEpoch = (await getSigned(h, `${FEED}?epoch=e0&after=4`)).body;
    expect(otherEpoch.changes.map((c: { cseq: number }) => c.cseq)).toEqual([1, 2, 3, 4]);
  });

  it.skipIf(b.skip)('relay orders: into the feed for own meters, 422 otherwise', async () => {
    const body = { action: 'lock', priority: 9, reason: 'line work', expiresInSeconds: 3600 };
    const ok = await h.call('admin', 'POST', '/api/gateways/gw-1/relay-orders', {
      ...body,
      meterId,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.cseq).toBe(5);
    const foreign = await h.call('admin', 'POST', '/api/gateways/gw-1/relay-orders', {
      ...body,
      meterId: 'm-elsewhere',
    });
    expect(foreign.status).toBe(422);
    const page = (await getSigned(h, `${FEED}?epoch=e1&after=4`)).body;
    expect(page.changes).toHaveLength(1);
    expect(page.changes[0]).toMatchObject({ kind: 'relay-order', body: { priority: 9 } });
    const bad = await getSigned(h, `${FEED}?after=x`);
    expect(bad.status).toBe(400);
  });
});
