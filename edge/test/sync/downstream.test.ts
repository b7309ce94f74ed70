/**
 * Downstream against a real central process: the change feed delivers meter assignments,
 * credits from payments and relay orders; the edge applies each with its inbox row. Offline
 * top-up both ways: a token redeemed offline and then the same credit from the feed, and the
 * feed first then the token, credit once each; the redemption then goes upstream and central
 * accepts it as a known token.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { tokenKeyPairFromSeed, tokenPublicKeyRaw } from '@gridbill/shared/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redeemToken } from '../../src/engine/index.js';
import { attachSync, createDownstreamPuller } from '../../src/sync/index.js';
import { baseConfig, type EngineFixture, engineFixture } from '../support/engine-fixture.js';
import { type CentralProcess, seedGateway, startCentral } from './central-process.js';
import { GATEWAY_KEY } from './edge-node.js';

const keyIdOf = (raw: Uint8Array) =>
  `k-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;

describe('downstream change feed with a real central process', () => {
  let central: CentralProcess;
  let fx: EngineFixture;
  let accountId: string;
  let meterId: string;
  let n = 0;
  const pay = async (amountMinor: number) => {
    n += 1;
    const r = await central.api(
      'POST',
      '/api/payments',
      {
        channel: 'counter',
        accountNumber: 'A-100',
        amountMinor: String(amountMinor),
        currency: 'KES',
        providerTxnId: `t-${n}`,
      },
      { 'idempotency-key': `pay-key-${n}` },
    );
    if (r.status !== 201 && r.status !== 200) throw new Error(JSON.stringify(r.body));
    return r.body;
  };

  beforeAll(async () => {
    central = await startCentral();
    [{ accountId, meterId }] = (await seedGateway(central, GATEWAY_KEY, 1)) as [
      { accountId: string; meterId: string },
    ];
    const seed = Buffer.from(
      readFileSync(join(central.dataDir, 'token-signing.key'), 'utf8').trim(),
      'hex',
    );
    const raw = tokenPublicKeyRaw(tokenKeyPairFromSeed('x', seed).publicKey);
    fx = engineFixture({
      wallMs: createSystemClock().wallMs(),
      config: (dir) =>
        baseConfig(dir, {
          gatewayId: 'gw-1',
          accounts: [{ id: accountId, mode: 'prepaid', tariffId: 'flat', openingBalanceMinor: 0 }],
          meters: [
            {
              id: meterId,
              protocol: 'modbus',
              bus: 'tcp',
              profile: 'gridbill-prepaid',
              host: '127.0.0.1',
              accountId,
            },
          ],
          tokens: {
            publicKeys: [{ kid: keyIdOf(raw), publicKey: Buffer.from(raw).toString('hex') }],
          },
        }),
    });
  }, 120_000);
  afterAll(async () => {
    fx?.close();
    await central?.close();
  });

  it('credits once whichever way a top-up arrives first', async () => {
    const puller = createDownstreamPuller({
      engine: fx.engine,
      gatewayId: 'gw-1',
      keyId: 'k1',
      privateKey: GATEWAY_KEY,
      baseUrl: () => central.url,
    });
    const first = await puller.pull();
    // first start: a snapshot (keys, the meter assignment), then the feed from its head
    expect(first.snapshots).toEqual({ full: 1, seed: 0 });
    expect(first.outcomes.applied).toBe(0);
    const assigned = fx.engine.deps.db
      .prepare("SELECT key FROM sync_assignments WHERE kind = 'meter-assignment'")
      .pluck()
      .all();
    expect(assigned).toEqual([meterId]);
    const before = fx.engine.balanceOf(accountId);

    const offline = await pay(50_000); // token redeemed offline, then the feed
    const redeemed = redeemToken(fx.engine, offline.topup.token);
    expect(redeemed).toMatchObject({ ok: true, amountMinor: 50_000n });
    const afterToken = await puller.pull();
    expect(afterToken.outcomes).toMatchObject({ applied: 0, 'already-credited': 1 });
    expect(fx.engine.balanceOf(accountId)).toBe(before + 50_000n);

    const online = await pay(20_000); // the feed first, then the token
    const viaFeed = await puller.pull();
    expect(viaFeed.outcomes).toMatchObject({ applied: 1 });
    expect(redeemToken(fx.engine, online.topup.token)).toMatchObject({
      ok: false,
      reason: 'already-redeemed',
    });
    expect(fx.engine.balanceOf(accountId)).toBe(before + 70_000n);
    const again = await puller.pull();
    expect(again.outcomes.applied + again.outcomes['already-credited']).toBe(0);

    const order = await central.api('POST', '/api/gateways/gw-1/relay-orders', {
      meterId,
      action: 'lock',
      priority: 9,
      reason: 'safety: line work',
      expiresInSeconds: 3600,
    });
    expect(order.status).toBe(201);
    expect((await puller.pull()).outcomes.applied).toBe(1);
    const stored = fx.engine.deps.db
      .prepare('SELECT order_id, status, priority FROM sync_relay_orders')
      .all();
    expect(stored).toEqual([{ order_id: order.body.orderId, status: 'pending', priority: 9 }]);

    fx.engine.deps.db
      .prepare("UPDATE meta SET value = ? WHERE key = 'incarnation_id'")
      .run('0193a2c4-5e6f-7a80-9b1c-2d3e4f506198');
    const sync = attachSync({
      engine: fx.engine,
      centralUrl: central.url,
      keyId: 'k1',
      privateKey: GATEWAY_KEY,
      random: createSeededRandom('attach'),
    });
    for (let i = 0; i < 100 && sync.stream.pending() > 0; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    await sync.stop();
    expect(sync.stream.pending()).toBe(0);
    expect(sync.stream.lastAckWallMs()).toBe(fx.engine.deps.clock.wallMs());
    const lag = await central.api('GET', '/api/sync/lag');
    expect(lag.body[0]).toMatchObject({ gatewayId: 'gw-1', quarantined: 0 });
  }, 120_000);
});
