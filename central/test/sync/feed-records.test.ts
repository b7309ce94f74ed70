import { createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeFeedPageSchema, snapshotSchema } from '@gridbill/shared/sync';
import { tokenPublicKeyRaw } from '@gridbill/shared/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onFeedAppended } from '../../src/sync/feed-notify.js';
import { TARIFF_SIGNING_CONTEXT } from '../../src/tariffs/index.js';
import { type Harness, seedAccount } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import {
  getSigned,
  INC_A,
  batchText,
  chargeEvent,
  postSigned,
  startSyncHarness,
} from './sync-harness.js';

const FEED = '/sync/v1/gw/gw-1/changes';
const SNAPSHOT = '/sync/v1/gw/gw-1/snapshot';
const FLAT = join(import.meta.dirname, '../../../shared/tariffs/cn-zhejiang-residential-flat.json');

/** A KES copy of a published flat tariff (the harness accounts are in KES). */
function kesTariff(versionId: string, effectiveFrom: string) {
  const doc = JSON.parse(readFileSync(FLAT, 'utf8'));
  return { ...doc, tariffId: 't-flat-kes', versionId, effectiveFrom, currency: 'KES' };
}

describe.each(BACKENDS)('feed records and snapshot on $name', (b) => {
  let h: Harness;
  let accountId: string;
  let meterId: string;
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    ({ accountId, meterId } = await seedAccount(h, 'A-300', 'prepaid'));
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  const pull = async (after: number) =>
    changeFeedPageSchema.parse((await getSigned(h, `${FEED}?epoch=e1&after=${after}`)).body);

  it.skipIf(b.skip)(`${backendTitle(b)}: keys, tariff versions, account versions`, async () => {
    const keys = (await pull(0)).changes.filter((c) => c.kind === 'key-rotation');
    const publicRaw = Buffer.from(tokenPublicKeyRaw(h.ctx.tokenKey.publicKey));
    expect(keys.map((k) => k.body)).toEqual([
      expect.objectContaining({ purpose: 'token-verify', keyId: h.ctx.tokenKey.keyId }),
      expect.objectContaining({ purpose: 'tariff-verify', replacesKeyId: null, retireAtMs: null }),
    ]);
    expect(keys[0]?.body).toMatchObject({ publicKeyBase64url: publicRaw.toString('base64url') });
    // no tariff on the account yet: no account-assignment, no tariff versions
    expect((await pull(0)).changes.some((c) => c.kind === 'account-assignment')).toBe(false);

    for (const [id, from] of [
      ['t-kes-2026', '2026-01-01'],
      ['t-kes-2027', '2027-01-01'],
    ] as const)
      expect(
        (await h.call('clerk', 'POST', '/api/tariffs/import', { document: kesTariff(id, from) }))
          .status,
      ).toBe(201);
    const assign = await h.call('clerk', 'POST', `/api/accounts/${accountId}/tariff`, {
      tariffId: 't-flat-kes',
      reason: 'tariff for the feed test',
    });
    expect(assign.status).toBe(201);
    const page = await pull(0);
    const versions = page.changes.filter((c) => c.kind === 'tariff-version');
    // the 2027 version is sent now, ahead of its effective date
    expect(versions.map((v) => v.body.tariffVersionId)).toEqual(['t-kes-2026', 't-kes-2027']);
    for (const v of versions) {
      if (v.kind !== 'tariff-version') continue;
      const text = JSON.stringify(v.body.document);
      expect(createHash('sha256').update(text).digest('hex')).toBe(v.body.documentHash);
      const signed = Buffer.concat([
        Buffer.from(TARIFF_SIGNING_CONTEXT, 'latin1'),
        Buffer.from(text),
      ]);
      const sig = Buffer.from(v.body.signature.ed25519Base64url, 'base64url');
      expect(verify(null, signed, h.ctx.tokenKey.publicKey, sig)).toBe(true);
    }
    const accounts = page.changes.filter((c) => c.kind === 'account-assignment');
    expect(accounts.map((a) => a.body)).toEqual([
      {
        accountId,
        currency: 'KES',
        mode: 'prepaid',
        status: 'active',
        tariffId: 't-flat-kes',
        version: 1,
      },
    ]);
    // deriving again appends nothing
    const head = page.checkpoint.cseq;
    expect((await pull(head)).changes).toEqual([]);
    // a mode change is a new version of the account
    const sw = await h.call('clerk', 'POST', `/api/accounts/${accountId}/mode`, {
      mode: 'hybrid',
      effectiveAtMs: h.clock.wallMs(),
      reason: 'feed test',
    });
    expect(sw.status).toBe(201);
    const next = (await pull(head)).changes;
    expect(next.map((c) => [c.kind, c.body])).toEqual([
      ['account-assignment', expect.objectContaining({ mode: 'hybrid', version: 2 })],
    ]);
  });

  it.skipIf(b.skip)(
    'snapshot: state at the feed head, balances with what they include',
    async () => {
      const pay = await h.call(
        'cashier',
        'POST',
        '/api/payments',
        { channel: 'counter', accountNumber: 'A-300', amountMinor: '70000', currency: 'KES' },
        { 'idempotency-key': 'snap-pay-1' },
      );
      expect(pay.status).toBe(201);
      const ack = await postSigned(
        h,
        batchText(INC_A, [chargeEvent(1, accountId, meterId, 1_767_225_600_000, 1500n)]),
      );
      expect(ack.status).toBe(200);
      const res = await getSigned(h, SNAPSHOT);
      expect(res.status).toBe(200);
      const snap = snapshotSchema.parse(res.body);
      const page = await pull(0);
      expect(snap.checkpoint).toEqual(page.checkpoint);
      expect(snap.tariffVersions.map((v) => v.tariffVersionId)).toEqual([
        't-kes-2026',
        't-kes-2027',
      ]);
      expect(snap.accounts.map((a) => a.accountId)).toEqual([accountId]);
      expect(snap.meters).toEqual([expect.objectContaining({ meterId, accountId })]);
      expect(snap.keys.map((k) => k.purpose).sort()).toEqual(['tariff-verify', 'token-verify']);
      const balance = await h.call('admin', 'GET', `/api/accounts/${accountId}/balance`);
      expect(snap.balances).toEqual([
        {
          accountId,
          currency: 'KES',
          balanceMinor: BigInt(balance.body.balanceMinor),
          includesEdgeSeqThrough: 1,
          incarnation: INC_A,
          credits: [{ entryId: pay.body.entryId, amountMinor: 70000n }],
        },
      ]);
      expect(snap.redeemedTokenIds).toEqual([pay.body.entryId]);
      const unsigned = await fetch(h.server.url + SNAPSHOT);
      expect(unsigned.status).toBe(401);
    },
  );

  it.skipIf(b.skip)('a relay order tells the feed listeners after its commit', async () => {
    const heard: unknown[] = [];
    const off = onFeedAppended(h.ctx, (e) => heard.push(e));
    const body = {
      meterId,
      action: 'disconnect',
      priority: 5,
      reason: 'audit',
      expiresInSeconds: 600,
    };
    const res = await h.call('admin', 'POST', '/api/gateways/gw-1/relay-orders', body);
    off();
    expect(res.status).toBe(201);
    expect(heard).toEqual([
      {
        gatewayId: 'gw-1',
        checkpoint: { feedEpoch: 'e1', cseq: res.body.cseq },
        relayOrder: expect.objectContaining({ orderId: res.body.orderId, action: 'disconnect' }),
      },
    ]);
  });
});
