import type { ChargeRun } from '@gridbill/shared/sync';

/** One currency's fresh charges of a batch, summed per account (insertion order kept). */
export interface CurrencySums {
  currency: string;
  byAccount: Map<string, bigint>;
  /** Indexes (in the batch) of the blocks the fresh charges came from. */
  blocks: Set<number>;
  /** Latest interval end of a fresh charge. */
  endMs: number;
  n: number;
}

/** An account's sum: a safe-integer part, flushed into the bigint part before it overflows. */
interface AccountSum {
  small: number;
  big: bigint;
}

interface Sums {
  currency: string;
  accounts: Map<string, AccountSum>;
  blocks: Set<number>;
  endMs: number;
  n: number;
}

/**
 * Sums of the charges a batch stored now, per currency and account, for its ledger entry.
 * Safe-integer amounts add as numbers (exact: a sum that would pass 2^53 − 1 is moved to a
 * bigint first), bigint amounts as bigints.
 * Example: addRun(a run of a1's charges 8 and 3 from block 0, ending T1), then
 *   add('KES', 'a1', 2n, 1, T2) → one CurrencySums { byAccount: { a1 → 13n }, blocks: {0, 1},
 *   endMs: max(T1, T2), n: 3 }.
 */
export class FreshCharges {
  private readonly byCurrency = new Map<string, Sums>();

  /**
   * A packed run of one account's fresh charges (safe-integer amounts); `refs[k] / refUnit`
   * (rounded down) is charge k's block. One account lookup for the run.
   */
  addRun(run: ChargeRun, accountId: string, refs: readonly number[], refUnit: number) {
    if (run.n === 0) return;
    const account = this.account(run.currency, accountId, -1, 0);
    const sums = this.byCurrency.get(run.currency)!;
    sums.n -= 1; // the lookup above counted no charge
    let lastBlock = -1;
    for (let k = 0; k < run.n; k += 1) {
      const block = Math.floor(refs[k]! / refUnit);
      if (block !== lastBlock) sums.blocks.add(block);
      lastBlock = block;
      const endMs = run.startMs[k]! + run.seconds[k]! * 1000;
      if (endMs > sums.endMs) sums.endMs = endMs;
      const next = account.small + run.amountMinor[k]!;
      if (Number.isSafeInteger(next)) account.small = next;
      else {
        account.big += BigInt(account.small);
        account.small = run.amountMinor[k]!;
      }
    }
    sums.n += run.n;
  }

  /** A fresh charge with a bigint amount. */
  add(currency: string, accountId: string, amount: bigint, block: number, endMs: number) {
    this.account(currency, accountId, block, endMs).big += amount;
  }

  /** The sums per currency, in order of first fresh charge. */
  currencies(): CurrencySums[] {
    return [...this.byCurrency.values()].map((s) => ({
      currency: s.currency,
      byAccount: new Map([...s.accounts].map(([id, a]) => [id, a.big + BigInt(a.small)])),
      blocks: s.blocks,
      endMs: s.endMs,
      n: s.n,
    }));
  }

  /** The account's sum, counting one charge of `block` ending at `endMs` (block −1: none). */
  private account(currency: string, accountId: string, block: number, endMs: number) {
    let sums = this.byCurrency.get(currency);
    if (!sums) {
      sums = { currency, accounts: new Map(), blocks: new Set(), endMs: 0, n: 0 };
      this.byCurrency.set(currency, sums);
    }
    if (block >= 0) sums.blocks.add(block);
    if (endMs > sums.endMs) sums.endMs = endMs;
    sums.n += 1;
    let account = sums.accounts.get(accountId);
    if (!account) {
      account = { small: 0, big: 0n };
      sums.accounts.set(accountId, account);
    }
    return account;
  }
}
