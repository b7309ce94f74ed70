/** Relay policy phase per meter (persisted). */
export type RelayPhase =
  | 'CONNECTED'
  | 'GRACE'
  | 'DISCONNECT_PENDING'
  | 'DISCONNECTED'
  | 'RECONNECT_PENDING'
  | 'MANUAL_LOCK'
  | 'RELAY_FAULT'
  /** Remote reconnect armed the meter (control modes 2/4/6): the customer presses the button. */
  | 'ARMED';

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
  | { type: 'relay_confirmed'; output: 'open' | 'closed' | 'armed' }
  | { type: 'relay_failed' }
  /** An order's command expired unsent: the relay is as read back; credit logic resumes. */
  | { type: 'order_dropped'; output: 'open' | 'closed' | 'armed' }
  /** `release`: an unlock; the meter goes back to credit logic (no relay action by itself). */
  | { type: 'order'; order: 'open' | 'close' | 'release' }
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
