export type { ContentId } from './content-id.js';
export { type CrashPointName, crashPoint } from './crash-point.js';
export { Engine, type EngineDeps, type MeterInfo, type RelayRecord } from './engine.js';
export { raiseAlarm } from './events.js';
export { ingestReadings } from './ingest.js';
export type { IntervalRater, RateInput, RateResult } from './rater.js';
export type { IngestSummary, PolledReading } from './readings.js';
export { type RedeemResult, redeemToken } from './redeem-token.js';
export { commandById, openCommands, type RelayCommandRow } from './relay-commands.js';
export { type RelayDriver, RelayJournalRunner } from './relay-journal.js';
export {
  acceptRelayOrder,
  believedState,
  OPERATOR_PRIORITY,
  type OrderOutcome,
  type OrderResult,
  operatorOrder,
  type RelayOrder,
  type RelayOrderSource,
} from './relay-orders.js';
export {
  applyPolicyEvent,
  evaluateAccounts,
  evaluateAll,
  evaluateMeter,
  projectedBalanceMinor,
  switchAccountMode,
} from './relay-policy.js';
