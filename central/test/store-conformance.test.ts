import {
  cashAccount,
  type EntryDraft,
  receivableAccount,
  reversalOf,
  verifyChain,
} from '@gridbill/shared/ledger';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEntry,
  balanceAt,
  balanceMismatches,
  entriesInOrder,
  getEntry,
  globalSum,
  LedgerConflictError,
  receivableAccounts,
  storedBalance,
} from '../src/ledger/index.js';
import {
  createCommitter,
  openSqliteConnection,
  SQLITE_CACHE_KIB,
  type Store,
} from '../src/store/index.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

const T0 = 1_767_225_600_000;

function payment(id: string, amount: bigint, atMs = T0, ref: string | null = null): EntryDraft {
  return {
    id,
    kind: 'payment',
    currency: 'KES',
    effectiveAtMs: atMs,
    externalRef: ref,
    postings: [
      { account: cashAccount('counter'), amountMinor: amount },
      { account: receivableAccount('A-1', 'energy'), amountMinor: -amount },
    ],
    actorId: 'u-cashier',
  };
}

async function chainOk(store: Store): Promise<boolean> {
  const all = [];
  for await (const e of entriesInOrder(store.db, 7)) all.push(e);
  return verifyChain(all).ok;
}

describe.each(BACKENDS)('store conformance: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let store: Store;
    beforeAll(async () => {
      store = await b.open();
    });
    afterAll(async () => store?.close());

    it('round-trips bigint money beyond 2^53 exactly', async () => {
      const big = 2n ** 60n + 7n;
      await store.db.transaction().execute((trx) => appendEntry(trx, payment('big', big), T0));
      const e = await getEntry(store.db, 'big');
      expect(e?.postings[0]?.amountMinor).toBe(big);
      expect(await storedBalance(store.db, cashAccount('counter'))).toBe(big);
    });

    it('treats a retried entry as exists and a changed one as a conflict', async () => {
      const c = createCommitter(store.db);
      const first = await c.run((trx) => appendEntry(trx, payment('p1', 500n), T0));
      const again = await c.run((trx) => appendEntry(trx, payment('p1', 500n), T0 + 5));
      expect(first.status).toBe('created');
      expect(again.status).toBe('exists');
      expect(again.entry.hash).toBe(first.entry.hash);
      await expect(c.run((trx) => appendEntry(trx, payment('p1', 501n), T0))).rejects.toThrow(
        LedgerConflictError,
      );
      await c.run((trx) => appendEntry(trx, payment('p2', 5n, T0, 'mpesa:X1'), T0));
      await expect(
        c.run((trx) => appendEntry(trx, payment('p3', 5n, T0, 'mpesa:X1'), T0)),
      ).rejects.toThrow(/already posted/);
    });

    it('reverses once, with a reason code', async () => {
      const c = createCommitter(store.db);
      const orig = (await getEntry(store.db, 'p1'))!;
      const rev = reversalOf(orig, {
        id: 'r1',
        reasonCode: 'bounced',
        effectiveAtMs: T0 + 10,
        actorId: 'u',
      });
      await c.run((trx) => appendEntry(trx, rev, T0 + 10));
      const twice = { ...rev, id: 'r2' };
      await expect(c.run((trx) => appendEntry(trx, twice, T0 + 11))).rejects.toThrow(
        /already reversed/,
      );
      expect((await getEntry(store.db, 'r1'))?.reasonCode).toBe('bounced');
    });

    it('gives balances at any instant', async () => {
      const acct = receivableAccount('A-1', 'energy');
      expect(await balanceAt(store.db, acct, T0 - 1)).toBe(0n);
      expect(await balanceAt(store.db, acct, T0)).toBe(-(2n ** 60n + 7n) - 500n - 5n);
      expect(await balanceAt(store.db, acct, T0 + 10)).toBe(-(2n ** 60n + 7n) - 5n);
      expect(await balanceAt(store.db, receivableAccounts('A-1'))).toBe(-(2n ** 60n + 7n) - 5n);
    });

    it('group-commits concurrent writes; a failing write rolls back alone', async () => {
      const c = createCommitter(store.db);
      const ok = Array.from({ length: 40 }, (_, i) =>
        c.run((trx) => appendEntry(trx, payment(`g${i}`, BigInt(i + 1), T0 + i), T0 + i)),
      );
      const bad = c.run((trx) => appendEntry(trx, { ...payment('bad', 1n), postings: [] }, T0));
      await Promise.all(ok);
      await expect(bad).rejects.toThrow(/at least 2/);
      expect(await getEntry(store.db, 'bad')).toBeUndefined();
      expect(c.stats().commits).toBeLessThan(40);
    });

    it('keeps the ledger invariants under random appends and reversals', async () => {
      const c = createCommitter(store.db);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ amount: fc.bigInt(1n, 10n ** 9n), reverse: fc.boolean() }), {
            maxLength: 8,
          }),
          async (ops) => {
            await Promise.all(
              ops.map(async (op) => {
                const id = `prop${n++}`;
                const { entry } = await c.run((trx) =>
                  appendEntry(trx, payment(id, op.amount), T0),
                );
                if (!op.reverse) return;
                const r = reversalOf(entry, {
                  id: `${id}r`,
                  reasonCode: 'chargeback',
                  effectiveAtMs: T0,
                  actorId: 'u',
                });
                await c.run((trx) => appendEntry(trx, r, T0));
              }),
            );
            expect(await globalSum(store.db)).toBe(0n);
            expect(await balanceMismatches(store.db)).toEqual([]);
          },
        ),
        { numRuns: 15 },
      );
      expect(await chainOk(store)).toBe(true);
    });

    it('detects a tampered posting through the hash chain', async () => {
      const e = (await getEntry(store.db, 'g3'))!;
      await store.db
        .updateTable('ledger_postings')
        .set({ amount_minor: 999n })
        .where('entry_id', '=', e.id)
        .where('line_no', '=', 0n)
        .execute();
      expect(await chainOk(store)).toBe(false);
    });
  });
});

describe('SQLite durability settings', () => {
  it('sets WAL, synchronous=FULL and the page cache on every connection and reopen', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'gridbill-sync-'));
    try {
      for (let i = 0; i < 2; i++) {
        const conn = openSqliteConnection(join(dir, 'x.sqlite'));
        expect(conn.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(BigInt(conn.pragma('synchronous', { simple: true }) as bigint)).toBe(2n);
        const cache = conn.pragma('cache_size', { simple: true }) as bigint;
        expect(BigInt(cache)).toBe(BigInt(-SQLITE_CACHE_KIB));
        conn.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
