import { accountClass } from './chart.js';
import { LedgerRuleError } from './ledger-error.js';

/** One line: debit positive, credit negative, integer minor units. */
export interface Posting {
  account: string;
  amountMinor: bigint;
}

/** A journal entry before it is chained. */
export interface EntryDraft {
  id: string;
  kind: string;
  currency: string;
  /** When the money movement counts for balances (UTC epoch ms). */
  effectiveAtMs: number;
  postings: Posting[];
  /** Permanent external reference (payment `provider:txn`, token id, charge id). */
  externalRef?: string | null;
  reversesId?: string | null;
  reasonCode?: string | null;
  memo?: string;
  actorId: string;
}

/** A chained entry as stored. */
export interface ChainedEntry extends EntryDraft {
  seq: bigint;
  postedAtMs: number;
  prevHash: string;
  hash: string;
}

export const ENTRY_KINDS = [
  'payment',
  'topup',
  'charge',
  'adjustment',
  'reversal',
  'transfer',
  'suspense-match',
  'mode-settlement',
] as const;

/** Reason codes a reversal must carry. */
export const REVERSAL_REASONS = [
  'bounced',
  'chargeback',
  'posting-error',
  'duplicate',
  'refund',
  'rerate',
] as const;
export type ReversalReason = (typeof REVERSAL_REASONS)[number];

const MAX_ABS = 2n ** 62n;

/**
 * Checks an entry: known kind, ≥ 2 postings, non-zero integer amounts, chart accounts, each
 * account at most once, sum exactly zero. Throws `LedgerRuleError` naming the field.
 *
 * @example validateEntry({ ..., postings: [{ account: 'cash:counter', amountMinor: 500n },
 *   { account: 'receivable:A-1:energy', amountMinor: -400n }] })
 *   // throws 'ledger entry postings: sum is 100, must be 0'
 */
export function validateEntry(e: EntryDraft): void {
  if (!(ENTRY_KINDS as readonly string[]).includes(e.kind)) {
    throw new LedgerRuleError('kind', `unknown kind "${e.kind}"`);
  }
  if (!/^[A-Z]{3}$/.test(e.currency))
    throw new LedgerRuleError('currency', `bad code ${e.currency}`);
  if (!Number.isSafeInteger(e.effectiveAtMs) || e.effectiveAtMs < 0) {
    throw new LedgerRuleError('effectiveAtMs', 'must be a non-negative integer');
  }
  if (e.postings.length < 2) throw new LedgerRuleError('postings', 'needs at least 2 lines');
  const seen = new Set<string>();
  let sum = 0n;
  e.postings.forEach((p, i) => {
    accountClass(p.account);
    if (seen.has(p.account)) throw new LedgerRuleError(`postings[${i}]`, `${p.account} repeated`);
    seen.add(p.account);
    if (typeof p.amountMinor !== 'bigint' || p.amountMinor === 0n) {
      throw new LedgerRuleError(`postings[${i}].amountMinor`, 'must be a non-zero bigint');
    }
    if (p.amountMinor > MAX_ABS || p.amountMinor < -MAX_ABS) {
      throw new LedgerRuleError(`postings[${i}].amountMinor`, 'out of range');
    }
    sum += p.amountMinor;
  });
  if (sum !== 0n) throw new LedgerRuleError('postings', `sum is ${sum}, must be 0`);
  if (e.kind === 'reversal') checkReversal(e);
}

function checkReversal(e: EntryDraft): void {
  if (!e.reversesId)
    throw new LedgerRuleError('reversesId', 'a reversal names the entry it reverses');
  if (!(REVERSAL_REASONS as readonly string[]).includes(e.reasonCode ?? '')) {
    throw new LedgerRuleError('reasonCode', `must be one of ${REVERSAL_REASONS.join(', ')}`);
  }
}

/**
 * The entry that undoes `original`: same accounts, negated amounts.
 *
 * @example reversalOf(e, { id: 'r1', reasonCode: 'bounced', effectiveAtMs: 5, actorId: 'u1' })
 *   .postings  // e.postings with each amountMinor negated
 */
export function reversalOf(
  original: EntryDraft,
  r: {
    id: string;
    reasonCode: ReversalReason;
    effectiveAtMs: number;
    actorId: string;
    memo?: string;
  },
): EntryDraft {
  return {
    id: r.id,
    kind: 'reversal',
    currency: original.currency,
    effectiveAtMs: r.effectiveAtMs,
    postings: original.postings.map((p) => ({ account: p.account, amountMinor: -p.amountMinor })),
    externalRef: null,
    reversesId: original.id,
    reasonCode: r.reasonCode,
    memo: r.memo ?? `reversal of ${original.id}`,
    actorId: r.actorId,
  };
}
