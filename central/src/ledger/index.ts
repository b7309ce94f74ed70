export { balanceAt, balanceMismatches, globalSum, storedBalance } from './balances.js';
export {
  type AppendResult,
  appendEntry,
  entriesInOrder,
  getEntry,
  LedgerConflictError,
} from './ledger-repo.js';
