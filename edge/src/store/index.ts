export { toJson } from './json.js';
export { MIGRATIONS, migrate } from './migrations.js';
export {
  configureConnection,
  integrityProblemOf,
  type OpenedDatabase,
  type OpenStoreOptions,
  openDatabase,
  StoreIntegrityError,
} from './open-store.js';
export { Outbox, type OutboxEvent, type OutboxKind, type OutboxRow } from './outbox.js';
export { applyRetention, type RetentionResult } from './retention.js';
export { Statements } from './statements.js';
export { invocationCounterStore } from './invocation-counter-store.js';
export { type CycleRecordBody, CycleRecordWriter, cycleRecordsAfter } from './cycle-record.js';
export { registerStoreFunctions } from './store-functions.js';
export { type LatestReading, latestReadings } from './latest-readings.js';
export { type RestoredBalance, restoreBalances } from './balance-replay.js';
