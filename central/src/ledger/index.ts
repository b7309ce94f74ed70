export {
  balanceAt,
  balanceMismatches,
  globalSum,
  receivableAccounts,
  storedBalance,
} from './balances.js';
export {
  type AppendResult,
  appendEntry,
  entriesInOrder,
  getEntry,
  LedgerConflictError,
} from './ledger-repo.js';
