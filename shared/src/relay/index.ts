export { ALERT_TABLE, type AlertLevel, type AlertRow, nextAlert } from './alert-table.js';
export { decidePolicy, INITIAL_RELAY_STATE, type PolicyDecision } from './decide-policy.js';
export {
  type CommandStatus,
  type JournalAction,
  type JournalEvent,
  type JournalRow,
  type JournalStep,
  RELAY_JOURNAL_TABLE,
  retryDelayMs,
  stepJournal,
} from './journal-table.js';
export { effectiveDisconnectMinor, GUARDS, type GuardName } from './policy-guards.js';
export { type PolicyRow, RELAY_POLICY_TABLE } from './policy-table.js';
export type {
  PolicyAction,
  PolicyContext,
  PolicyEvent,
  RelayPhase,
  RelayPolicyState,
  RelayThresholds,
} from './policy-types.js';
export { isProtectedNow, type ProtectedWindows } from './protected-window.js';
export { isQuietEvaluate, type QuietThresholds } from './quiet-evaluate.js';
export {
  CONTROL_STATES,
  type ConfirmedRelayState,
  type ControlState,
  judgeReadBack,
  READBACK_TABLE,
  type ReadBackRow,
  type RelayReadBack,
} from './readback-table.js';
