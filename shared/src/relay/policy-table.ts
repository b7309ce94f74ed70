import type { GuardName } from './policy-guards.js';
import type { PolicyAction, PolicyEvent, RelayPhase } from './policy-types.js';

export interface PolicyRow {
  from: RelayPhase | '*';
  on: PolicyEvent['type'];
  when: GuardName;
  to: RelayPhase | 'same';
  actions: PolicyAction[];
}

const credit: RelayPhase[] = ['CONNECTED', 'GRACE', 'DISCONNECT_PENDING', 'DISCONNECTED'];

/**
 * The relay policy: the first row whose `from`, `on` and guard match decides. Central or
 * operator orders outrank credit logic; postpaid accounts (`not_enforced`) only move on
 * orders. A disconnect needs the grace period elapsed on monotonic time, no safe mode, no
 * protected window (untrusted clock = protected) and room under the mass-disconnect cap.
 */
export const RELAY_POLICY_TABLE: readonly PolicyRow[] = [
  // orders (central or local operator) from any phase
  {
    from: '*',
    on: 'order',
    when: 'order_open',
    to: 'MANUAL_LOCK',
    actions: ['clear_grace', 'send_open'],
  },
  {
    from: '*',
    on: 'order',
    when: 'order_close',
    to: 'RECONNECT_PENDING',
    actions: ['clear_grace', 'send_close'],
  },
  // an unlock releases a lock (or any order hold) back to credit logic; the relay is still open
  {
    from: 'MANUAL_LOCK',
    on: 'order',
    when: 'order_release',
    to: 'DISCONNECTED',
    actions: [],
  },
  // emergency credit, requested by the customer
  ...credit.map(
    (from): PolicyRow => ({
      from,
      on: 'emergency_credit',
      when: 'emergency_available',
      to: from === 'CONNECTED' || from === 'GRACE' ? 'CONNECTED' : 'RECONNECT_PENDING',
      actions:
        from === 'CONNECTED' || from === 'GRACE'
          ? ['grant_emergency', 'clear_grace']
          : ['grant_emergency', 'send_close'],
    }),
  ),
  // CONNECTED (and ARMED: the output waits for the customer's button; credit rules apply alike)
  ...(['CONNECTED', 'ARMED'] as const).flatMap((from): PolicyRow[] => [
    { from, on: 'evaluate', when: 'not_enforced', to: 'same', actions: [] },
    {
      from,
      on: 'evaluate',
      when: 'emergency_above_reconnect',
      to: 'same',
      actions: ['clear_emergency'],
    },
    { from, on: 'evaluate', when: 'at_or_below_disconnect', to: 'GRACE', actions: ['start_grace'] },
    { from, on: 'evaluate', when: 'always', to: 'same', actions: [] },
  ]),
  // GRACE: wait on monotonic time, then disconnect unless something holds it
  {
    from: 'GRACE',
    on: 'evaluate',
    when: 'not_enforced',
    to: 'CONNECTED',
    actions: ['clear_grace'],
  },
  {
    from: 'GRACE',
    on: 'evaluate',
    when: 'above_disconnect',
    to: 'CONNECTED',
    actions: ['clear_grace'],
  },
  { from: 'GRACE', on: 'evaluate', when: 'grace_running', to: 'same', actions: [] },
  { from: 'GRACE', on: 'evaluate', when: 'safe_mode', to: 'same', actions: ['hold_safe_mode'] },
  {
    from: 'GRACE',
    on: 'evaluate',
    when: 'protected_window',
    to: 'same',
    actions: ['hold_protected'],
  },
  {
    from: 'GRACE',
    on: 'evaluate',
    when: 'mass_cap_reached',
    to: 'same',
    actions: ['hold_mass_cap'],
  },
  {
    from: 'GRACE',
    on: 'evaluate',
    when: 'always',
    to: 'DISCONNECT_PENDING',
    actions: ['send_open'],
  },
  // DISCONNECT_PENDING: the journal reports the outcome
  {
    from: 'DISCONNECT_PENDING',
    on: 'relay_confirmed',
    when: 'output_open',
    to: 'DISCONNECTED',
    actions: ['clear_grace'],
  },
  {
    from: 'DISCONNECT_PENDING',
    on: 'relay_failed',
    when: 'always',
    to: 'RELAY_FAULT',
    actions: ['raise_relay_fault'],
  },
  // DISCONNECTED: reconnect above the reconnect threshold (hysteresis) or when not enforced
  {
    from: 'DISCONNECTED',
    on: 'evaluate',
    when: 'not_enforced',
    to: 'RECONNECT_PENDING',
    actions: ['send_close'],
  },
  {
    from: 'DISCONNECTED',
    on: 'evaluate',
    when: 'above_reconnect',
    to: 'RECONNECT_PENDING',
    actions: ['send_close'],
  },
  // RECONNECT_PENDING
  {
    from: 'RECONNECT_PENDING',
    on: 'relay_confirmed',
    when: 'output_closed',
    to: 'CONNECTED',
    actions: [],
  },
  {
    from: 'RECONNECT_PENDING',
    on: 'relay_confirmed',
    when: 'output_armed',
    to: 'ARMED',
    actions: [],
  },
  {
    from: 'RECONNECT_PENDING',
    on: 'relay_failed',
    when: 'always',
    to: 'RELAY_FAULT',
    actions: ['raise_relay_fault'],
  },
  // MANUAL_LOCK: only an order releases it; confirmations keep it
  {
    from: 'MANUAL_LOCK',
    on: 'relay_failed',
    when: 'always',
    to: 'RELAY_FAULT',
    actions: ['raise_relay_fault'],
  },
  // RELAY_FAULT: a later read-back that shows the output clears the fault
  {
    from: 'RELAY_FAULT',
    on: 'relay_confirmed',
    when: 'output_open',
    to: 'DISCONNECTED',
    actions: [],
  },
  {
    from: 'RELAY_FAULT',
    on: 'relay_confirmed',
    when: 'output_closed',
    to: 'CONNECTED',
    actions: [],
  },
  {
    from: 'RELAY_FAULT',
    on: 'relay_confirmed',
    when: 'output_armed',
    to: 'ARMED',
    actions: [],
  },
  // an order's command that expired unsent: the phase follows the read-back, credit resumes
  ...(['MANUAL_LOCK', 'RECONNECT_PENDING'] as const).flatMap((from): PolicyRow[] => [
    { from, on: 'order_dropped', when: 'output_open', to: 'DISCONNECTED', actions: [] },
    { from, on: 'order_dropped', when: 'output_closed', to: 'CONNECTED', actions: [] },
    { from, on: 'order_dropped', when: 'output_armed', to: 'ARMED', actions: [] },
  ]),
];
