import { LedgerRuleError } from './ledger-error.js';

/**
 * Chart of accounts. A ledger account code is `<class>:<part>[:<part>...]`.
 *
 * | class       | meaning                                   | normal side |
 * |-------------|-------------------------------------------|-------------|
 * | receivable  | what a customer owes, per category        | debit       |
 * | wallet      | prepaid credit held for a customer        | credit      |
 * | cash        | money received, per channel               | debit       |
 * | revenue     | earned, per tariff component              | credit      |
 * | tax         | tax payable                               | credit      |
 * | suspense    | received but not matched to an account    | credit      |
 *
 * @example receivableAccount('A-1', 'energy') === 'receivable:A-1:energy'
 * @example cashAccount('mobile-money') === 'cash:mobile-money'
 */
export const ACCOUNT_CLASSES = [
  'receivable',
  'wallet',
  'cash',
  'revenue',
  'tax',
  'suspense',
] as const;
export type AccountClass = (typeof ACCOUNT_CLASSES)[number];

/** Debt categories in a customer receivable, in "fees before energy" order. */
export const DEBT_CATEGORIES = ['fees', 'energy', 'tax', 'other'] as const;
export type DebtCategory = (typeof DEBT_CATEGORIES)[number];

const PART_RE = /^[A-Za-z0-9._-]{1,80}$/;

function part(what: string, value: string): string {
  if (!PART_RE.test(value)) {
    throw new LedgerRuleError(what, `"${value}" must be 1..80 of [A-Za-z0-9._-]`);
  }
  return value;
}

export const receivableAccount = (accountId: string, category: DebtCategory): string =>
  `receivable:${part('accountId', accountId)}:${category}`;
export const walletAccount = (accountId: string): string =>
  `wallet:${part('accountId', accountId)}`;
export const cashAccount = (channel: string): string => `cash:${part('channel', channel)}`;
export const revenueAccount = (component: string): string =>
  `revenue:${part('component', component)}`;
export const TAX_PAYABLE = 'tax:payable';
export const SUSPENSE = 'suspense:unmatched';

/** Class of a ledger account code; throws `LedgerRuleError` for an unknown shape. */
export function accountClass(code: string): AccountClass {
  const parts = code.split(':');
  const cls = parts[0] as AccountClass;
  if (
    !ACCOUNT_CLASSES.includes(cls) ||
    parts.length < 2 ||
    !parts.slice(1).every((p) => PART_RE.test(p))
  ) {
    throw new LedgerRuleError('postings.account', `"${code}" is not in the chart of accounts`);
  }
  return cls;
}

/**
 * Customer-facing balance from the customer's receivable and wallet balances
 * (ledger sign: debit positive). Positive = in credit, negative = owes.
 *
 * @example customerBalanceMinor(1500n, -200n) === -1300n
 */
export function customerBalanceMinor(receivableMinor: bigint, walletMinor: bigint): bigint {
  return -(receivableMinor + walletMinor);
}
