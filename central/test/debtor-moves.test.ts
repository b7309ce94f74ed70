import { receivableAccount, revenueAccount } from '@gridbill/shared/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../src/ledger/index.js';
import { debtorMoves, receivableMoves } from '../src/payments/allocation-postings.js';
import type { Store } from '../src/store/index.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

/** Only accounts with a positive receivable category have their history read. */
describe.each(BACKENDS)('debtorMoves: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let store: Store;
    const post = (id: string, account: string, category: 'energy' | 'other', amount: bigint) =>
      store.db.transaction().execute((trx) =>
        appendEntry(
          trx,
          {
            id,
            kind: 'charge',
            currency: 'KES',
            effectiveAtMs: 1_000,
            postings: [
              { account: receivableAccount(account, category), amountMinor: amount },
              { account: revenueAccount('energy'), amountMinor: -amount },
            ],
            actorId: 'test',
          },
          2_000,
        ),
      );
    beforeAll(async () => {
      store = await b.open();
      await post('e-1', 'owes', 'energy', 500n);
      await post('e-2', 'owes', 'other', -300n);
      await post('e-3', 'in-credit', 'energy', 400n);
      await post('e-4', 'in-credit', 'energy', -450n);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('reads the moves of owing accounts, skips accounts in credit', async () => {
      const got = await debtorMoves(store.db, ['owes', 'in-credit', 'no-postings']);
      expect([...got.keys()]).toEqual(['owes']);
      const all = await receivableMoves(store.db, ['owes']);
      expect(got.get('owes')).toEqual(all.get('owes'));
      expect(got.get('owes')).toHaveLength(2);
    });
  });
});
