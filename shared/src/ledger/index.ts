// Pure ledger rules: chart of accounts, entry validation, reversal, hash chain, allocation.
export {
  ALLOCATION_RULES,
  type Allocation,
  type AllocationRule,
  allocatePayment,
  type OpenDebt,
  openDebts,
  type ReceivableMove,
} from './allocation.js';
export {
  ACCOUNT_CLASSES,
  type AccountClass,
  accountClass,
  cashAccount,
  customerBalanceMinor,
  DEBT_CATEGORIES,
  type DebtCategory,
  receivableAccount,
  revenueAccount,
  SUSPENSE,
  TAX_PAYABLE,
  walletAccount,
} from './chart.js';
export {
  type ChainedEntry,
  ENTRY_KINDS,
  type EntryDraft,
  type Posting,
  REVERSAL_REASONS,
  type ReversalReason,
  reversalOf,
  validateEntry,
} from './entry.js';
export {
  type ChainCheck,
  canonicalEntry,
  chainEntry,
  GENESIS_HASH,
  verifyChain,
} from './hash-chain.js';
export { LedgerRuleError } from './ledger-error.js';
