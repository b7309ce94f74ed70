/** Relay policy phase per meter (persisted). */
export type RelayPhase =
  | 'CONNECTED'
  | 'GRACE'
  | 'DISCONNECT_PENDING'
  | 'DISCONNECTED'
  | 'RECONNECT_PENDING'
  | 'MANUAL_LOCK'
  | 'RELAY_FAULT';

export interface RelayPolicyState {
  phase: RelayPhase;
  /** Monotonic time the balance was first seen at or below the disconnect threshold. */
  graceStartMonoMs: number | null;
  emergencyCreditActive: boolean;
}

export interface RelayThresholds {
  disconnectMinor: bigint;
  reconnectMinor: bigint;
  emergencyCreditMinor: bigint;
  graceMs: number;
}

/** Everything a decision may depend on; built by the gateway, never read from a clock here. */
export interface PolicyContext {
  balanceMinor: bigint;
  thresholds: RelayThresholds;
  nowMonoMs: number;
  /** Credit enforcement applies: prepaid, or hybrid currently in prepaid mode. */
  enforced: boolean;
  /** In a protected window per a trusted clock; an untrusted clock counts as protected. */
  protectedNow: boolean;
  safeMode: boolean;
  massCapReached: boolean;
}

export type PolicyEvent =
  | { type: 'evaluate' }
  | { type: 'relay_confirmed'; output: 'open' | 'closed' }
  | { type: 'relay_failed' }
  | { type: 'order'; order: 'open' | 'close' }
  | { type: 'emergency_credit' };

export type PolicyAction =
  | 'start_grace'
  | 'clear_grace'
  | 'send_open'
  | 'send_close'
  | 'grant_emergency'
  | 'clear_emergency'
  | 'hold_safe_mode'
  | 'hold_protected'
  | 'hold_mass_cap'
  | 'raise_relay_fault';
