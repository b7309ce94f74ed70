import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { deriveChanges } from '../../src/sync/derive-changes.js';
import { accountOf, deriveSince } from '../../src/sync/derive-incremental.js';
import { deriveFeed, feedSigningKey } from '../../src/sync/feed-routes.js';
import { syncDb, syncTrx } from '../../src/sync/sync-schema.js';
import { startSyncHarness } from './sync-harness.js';

/** Counts the statements a transaction runs. */
function counter(): KyselyPlugin & { n: number } {
  const c = {
    n: 0,
    transformQuery: (args: { node: never }) => {
      c.n += 1;
      return args.node;
    },
    transformResult: async (args: { result: never }) => args.result,
  };
  return c as unknown as KyselyPlugin & { n: number };
}

describe('accountOf', () => {
  it('names the customer account of wallet and receivable codes only', () => {
    expect(accountOf('wallet:A-1')).toBe('A-1');
    expect(accountOf('receivable:A-1:energy')).toBe('A-1');
    expect(accountOf('revenue:energy')).toBeNull();
    expect(accountOf('cash:counter')).toBeNull();
  });
});

describe.each(BACKENDS)('incremental feed derivation on $name', (b) => {
  let h: Harness;
  const numbers: string[] = [];
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    for (const n of ['A-301', 'A-302', 'A-303']) {
      await seedAccount(h, n, 'prepaid');
      numbers.push(n);
    }
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  const pay = async (number: string, amountMinor: number, key: string) => {
    const res = await h.call(
      'cashier',
      'POST',
      '/api/payments',
      {
        channel: 'counter',
        accountNumber: number,
        amountMinor: String(amountMinor),
        currency: 'KES',
      },
      { 'idempotency-key': key },
    );
    expect(res.status).toBe(201);
  };
  /** What a full derive would still append (0 when the incremental pass missed nothing). */
  const missed = () =>
    h.ctx.committer.run((trx) =>
      deriveChanges(syncTrx(trx), 'gw-1', h.ctx.clock.wallMs(), feedSigningKey(h.ctx)),
    );
  const credits = async () => {
    const rows = await syncDb(h.ctx.store.db)
      .selectFrom('sync_changes')
      .select('change_id')
      .where('gateway_id', '=', 'gw-1')
      .where('kind', '=', 'credit')
      .execute();
    return rows.length;
  };

  it.skipIf(b.skip)(`${backendTitle(b)}: a pass after any change misses nothing`, async () => {
    await deriveFeed(h.ctx, 'gw-1');
    let paid = 0;
    // a fixed interleaving: payments on several accounts, passes with none, a new account
    const steps = ['pay', 'derive', 'pay', 'pay', 'derive', 'derive', 'seed', 'pay', 'derive'];
    for (const [i, step] of steps.entries()) {
      if (step === 'pay') {
        await pay(numbers[i % numbers.length]!, 1000 + i, `inc-pay-${i}`);
        paid += 1;
      } else if (step === 'seed') {
        const n = `A-3${10 + i}`;
        await seedAccount(h, n, 'prepaid');
        numbers.push(n);
      } else {
        await deriveFeed(h.ctx, 'gw-1');
        expect(await missed()).toBe(0);
        expect(await credits()).toBe(paid);
      }
    }
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: an unchanged gateway costs a few statements`, async () => {
    await deriveFeed(h.ctx, 'gw-1');
    const key = feedSigningKey(h.ctx);
    const full = counter();
    const first = await h.ctx.committer.run((trx) =>
      deriveSince(syncTrx(trx).withPlugin(full), 'gw-1', 0, key, undefined),
    );
    const steady = counter();
    const again = await h.ctx.committer.run((trx) =>
      deriveSince(syncTrx(trx).withPlugin(steady), 'gw-1', 0, key, first.mark),
    );
    expect(again).toEqual({ appended: 0, mark: first.mark });
    expect(steady.n).toBeLessThanOrEqual(6);
    expect(full.n).toBeGreaterThan(steady.n + numbers.length);
    await pay(numbers[0]!, 777, 'inc-pay-after');
    const one = counter();
    const next = await h.ctx.committer.run((trx) =>
      deriveSince(syncTrx(trx).withPlugin(one), 'gw-1', 0, key, first.mark),
    );
    expect(next.appended).toBe(1);
    expect(next.mark.ledgerSeq).toBeGreaterThan(first.mark.ledgerSeq);
    expect(one.n).toBeLessThanOrEqual(10);
  });
});
