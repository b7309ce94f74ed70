import { DEBT_CATEGORIES, type DebtCategory } from './chart.js';
import { LedgerRuleError } from './ledger-error.js';

/** How a payment is spread over what the customer owes. */
export const ALLOCATION_RULES = ['oldest-first', 'fees-first'] as const;
export type AllocationRule = (typeof ALLOCATION_RULES)[number];

/** An open debt: what is still owed of one receivable debit. */
export interface OpenDebt {
  category: DebtCategory;
  openMinor: bigint;
  sinceMs: number;
}

/** A receivable movement of one customer (debit positive). */
export interface ReceivableMove {
  category: DebtCategory;
  amountMinor: bigint;
  atMs: number;
}

/**
 * Open debts after applying each category's credits to its debits first-in first-out.
 *
 * @example openDebts([{ category: 'energy', amountMinor: 100n, atMs: 1 },
 *   { category: 'energy', amountMinor: 50n, atMs: 2 },
 *   { category: 'energy', amountMinor: -120n, atMs: 3 }])
 *   // [{ category: 'energy', openMinor: 30n, sinceMs: 2 }]
 */
export function openDebts(moves: readonly ReceivableMove[]): OpenDebt[] {
  const sorted = [...moves].sort((a, b) => a.atMs - b.atMs);
  const open: OpenDebt[] = [];
  const credit = new Map<DebtCategory, bigint>();
  for (const m of sorted) {
    if (m.amountMinor > 0n) {
      open.push({ category: m.category, openMinor: m.amountMinor, sinceMs: m.atMs });
    } else {
      credit.set(m.category, (credit.get(m.category) ?? 0n) - m.amountMinor);
    }
    settle(open, credit, m.category);
  }
  return open.filter((d) => d.openMinor > 0n);
}

function settle(open: OpenDebt[], credit: Map<DebtCategory, bigint>, category: DebtCategory) {
  let left = credit.get(category) ?? 0n;
  for (const d of open) {
    if (left === 0n) break;
    if (d.category !== category || d.openMinor === 0n) continue;
    const take = smaller(d.openMinor, left);
    d.openMinor -= take;
    left -= take;
  }
  credit.set(category, left);
}

function smaller(a: bigint, b: bigint): bigint {
  if (a < b) return a;
  return b;
}

/** Amount credited per category; `unappliedMinor` is the overpayment (kept as credit). */
export interface Allocation {
  byCategory: { category: DebtCategory; amountMinor: bigint }[];
  unappliedMinor: bigint;
}

/**
 * Spreads `amountMinor` over open debts by rule: `oldest-first` (by `sinceMs`, then category
 * order) or `fees-first` (category order fees, energy, tax, other; oldest first within).
 *
 * @example allocatePayment(70n, [{ category: 'energy', openMinor: 50n, sinceMs: 1 },
 *   { category: 'fees', openMinor: 40n, sinceMs: 2 }], 'fees-first')
 *   // { byCategory: [{ category: 'fees', amountMinor: 40n },
 *   //   { category: 'energy', amountMinor: 30n }], unappliedMinor: 0n }
 */
export function allocatePayment(
  amountMinor: bigint,
  debts: readonly OpenDebt[],
  rule: AllocationRule,
): Allocation {
  if (amountMinor <= 0n) throw new LedgerRuleError('amountMinor', 'payment must be positive');
  const rank = (c: DebtCategory) => DEBT_CATEGORIES.indexOf(c);
  const order = [...debts].sort((a, b) =>
    rule === 'fees-first'
      ? rank(a.category) - rank(b.category) || a.sinceMs - b.sinceMs
      : a.sinceMs - b.sinceMs || rank(a.category) - rank(b.category),
  );
  const out = new Map<DebtCategory, bigint>();
  let left = amountMinor;
  for (const d of order) {
    if (left === 0n) break;
    const take = smaller(d.openMinor, left);
    if (take <= 0n) continue;
    out.set(d.category, (out.get(d.category) ?? 0n) + take);
    left -= take;
  }
  const byCategory = [...out].map(([category, a]) => ({ category, amountMinor: a }));
  return { byCategory, unappliedMinor: left };
}
