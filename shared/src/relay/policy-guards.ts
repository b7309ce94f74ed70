import type { PolicyContext, PolicyEvent, RelayPolicyState } from './policy-types.js';

export interface GuardInput {
  state: RelayPolicyState;
  event: PolicyEvent;
  ctx: PolicyContext;
}

/**
 * Effective disconnect threshold: emergency credit lowers it.
 *
 * @example
 * effectiveDisconnectMinor({ phase: 'GRACE', graceStartMonoMs: 0, emergencyCreditActive: true },
 *   { disconnectMinor: 0n, emergencyCreditMinor: 500n, ... }) // → -500n
 */
export function effectiveDisconnectMinor(
  state: RelayPolicyState,
  t: PolicyContext['thresholds'],
): bigint {
  return state.emergencyCreditActive
    ? t.disconnectMinor - t.emergencyCreditMinor
    : t.disconnectMinor;
}

const atOrBelowDisconnect = ({ state, ctx }: GuardInput) =>
  ctx.balanceMinor <= effectiveDisconnectMinor(state, ctx.thresholds);

const graceElapsed = ({ state, ctx }: GuardInput) =>
  state.graceStartMonoMs !== null &&
  ctx.nowMonoMs - state.graceStartMonoMs >= ctx.thresholds.graceMs;

/** The relay output an event reports (a confirmation or a dropped order's read-back). */
function outputOf(event: GuardInput['event']): string | null {
  return event.type === 'relay_confirmed' || event.type === 'order_dropped' ? event.output : null;
}

/** Named guards used by the transition table; `always` matches anything. */
export const GUARDS = {
  always: () => true,
  not_enforced: ({ ctx }: GuardInput) => !ctx.enforced,
  at_or_below_disconnect: atOrBelowDisconnect,
  above_disconnect: (g: GuardInput) => !atOrBelowDisconnect(g),
  above_reconnect: ({ ctx }: GuardInput) => ctx.balanceMinor > ctx.thresholds.reconnectMinor,
  emergency_above_reconnect: ({ state, ctx }: GuardInput) =>
    state.emergencyCreditActive && ctx.balanceMinor > ctx.thresholds.reconnectMinor,
  grace_running: (g: GuardInput) => !graceElapsed(g),
  safe_mode: ({ ctx }: GuardInput) => ctx.safeMode,
  protected_window: ({ ctx }: GuardInput) => ctx.protectedNow,
  mass_cap_reached: ({ ctx }: GuardInput) => ctx.massCapReached,
  output_open: ({ event }: GuardInput) => outputOf(event) === 'open',
  output_closed: ({ event }: GuardInput) => outputOf(event) === 'closed',
  output_armed: ({ event }: GuardInput) => outputOf(event) === 'armed',
  order_release: ({ event }: GuardInput) => event.type === 'order' && event.order === 'release',
  order_open: ({ event }: GuardInput) => event.type === 'order' && event.order === 'open',
  order_close: ({ event }: GuardInput) => event.type === 'order' && event.order === 'close',
  emergency_available: ({ state, ctx }: GuardInput) =>
    ctx.enforced &&
    !state.emergencyCreditActive &&
    ctx.thresholds.emergencyCreditMinor > 0n &&
    ctx.balanceMinor > ctx.thresholds.disconnectMinor - ctx.thresholds.emergencyCreditMinor,
} as const;

export type GuardName = keyof typeof GUARDS;
