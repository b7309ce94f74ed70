import { createSeededRandom } from '@gridbill/shared/ids';
import { verifyChain } from '@gridbill/shared/ledger';
import { ManualClock } from '@gridbill/shared/clock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/context.js';
import { createContext } from '../src/app/create-context.js';
import { balanceMismatches, entriesInOrder, globalSum } from '../src/ledger/index.js';
import { type PaymentOutcome, requestHashOf } from '../src/payments/index.js';
import type { Store } from '../src/store/index.js';
import { T0, TOKEN_KEY } from './helpers/api-harness.js';
import { BACKENDS } from './helpers/backends.js';

/**
 * Model check of the payment queue: random concurrent submissions that reuse idempotency
 * keys and provider transactions (with the same or different money) must give at most one
 * ledger entry per provider transaction, one answer per key, and a ledger that verifies.
 */
describe('payment queue under random concurrent submissions (SQLite)', () => {
  let store: Store;
  let ctx: AppContext;
  beforeAll(async () => {
    store = await BACKENDS[0]!.open();
    ctx = createContext({
      store,
      clock: new ManualClock({ wallMs: T0 }),
      random: createSeededRandom('payment-properties'),
      tokenKey: TOKEN_KEY,
    });
    const now = BigInt(T0);
    await store.db
      .insertInto('customers')
      .values({ id: 'c', name: 'C', phone: '', email: '', created_at_ms: now })
      .execute();
    for (const [n, mode] of [
      ['P1', 'postpaid'],
      ['W1', 'prepaid'],
      ['H1', 'hybrid'],
    ] as const) {
      await store.db
        .insertInto('accounts')
        .values({
          id: `id-${n}`,
          number: n,
          customer_id: 'c',
          premise_id: null,
          currency: 'KES',
          mode,
          allocation_rule: 'fees-first',
          tariff_id: null,
          created_at_ms: now,
        })
        .execute();
    }
  });
  afterAll(async () => store?.close());

  const op = fc.record({
    key: fc.integer({ min: 0, max: 5 }),
    txn: fc.integer({ min: 0, max: 4 }),
    account: fc.constantFrom('P1', 'W1', 'H1', 'UNKNOWN'),
    amount: fc.constantFrom(100n, 250n),
    channel: fc.constantFrom('webhook' as const, 'bank-file' as const, 'counter' as const),
  });

  it('keeps one entry per provider transaction and one answer per key', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 16 }), async (ops) => {
        run++;
        const submits = ops.map((o) => {
          const input = {
            channel: o.channel,
            provider: 'mpesa',
            providerTxnId: `R${run}-T${o.txn}`,
            accountNumber: o.account,
            amountMinor: o.amount,
            currency: 'KES',
            receivedAtMs: null,
          };
          const scopeKey = `u:R${run}-K${o.key}`;
          const actor = { userId: 'u', reason: 'test', comment: '' };
          return ctx.payments.submit({ scopeKey, requestHash: requestHashOf(input), input, actor });
        });
        const outcomes: PaymentOutcome[] = await Promise.all(submits);
        const entries = await store.db
          .selectFrom('ledger_entries')
          .select(['external_ref'])
          .where('external_ref', 'like', `mpesa:R${run}-%`)
          .execute();
        const refs = entries.map((e) => e.external_ref);
        expect(new Set(refs).size).toBe(refs.length);
        const byKey = new Map<number, unknown>();
        ops.forEach((o, i) => {
          const out = outcomes[i]!;
          if (!out.ok) {
            expect([409, 422]).toContain(out.problem.status);
            return;
          }
          const seen = byKey.get(o.key);
          if (seen === undefined) byKey.set(o.key, out.body);
          else expect(out.body).toEqual(seen);
        });
        expect(await globalSum(store.db)).toBe(0n);
        expect(await balanceMismatches(store.db)).toEqual([]);
      }),
      { numRuns: 25 },
    );
    const all = [];
    for await (const e of entriesInOrder(store.db)) all.push(e);
    expect(verifyChain(all).ok).toBe(true);
  });
});
