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
  insertChained,
  LedgerConflictError,
  lockHead,
} from './ledger-repo.js';
