import { GUARDS, type GuardInput } from './policy-guards.js';
import { type PolicyRow, RELAY_POLICY_TABLE } from './policy-table.js';
import type { PolicyAction, PolicyContext, PolicyEvent, RelayPolicyState } from './policy-types.js';

export interface PolicyDecision {
  state: RelayPolicyState;
  actions: PolicyAction[];
  /** The matched row's index in the table, or -1 when no row matched (nothing changes). */
  row: number;
}

/** A meter that has never been evaluated. */
export const INITIAL_RELAY_STATE: RelayPolicyState = {
  phase: 'CONNECTED',
  graceStartMonoMs: null,
  emergencyCreditActive: false,
};

/**
 * Applies one event to a meter's relay policy state using `RELAY_POLICY_TABLE`.
 *
 * @example
 * decidePolicy({ phase: 'CONNECTED', graceStartMonoMs: null, emergencyCreditActive: false },
 *   { type: 'evaluate' }, { balanceMinor: -10n, nowMonoMs: 5_000, enforced: true, ... })
 * // → { state: { phase: 'GRACE', graceStartMonoMs: 5_000, ... }, actions: ['start_grace'] }
 */
export function decidePolicy(
  state: RelayPolicyState,
  event: PolicyEvent,
  ctx: PolicyContext,
  table: readonly PolicyRow[] = RELAY_POLICY_TABLE,
): PolicyDecision {
  const input: GuardInput = { state, event, ctx };
  const row = table.findIndex(
    (r) =>
      (r.from === '*' || r.from === state.phase) && r.on === event.type && GUARDS[r.when](input),
  );
  const match = table[row];
  if (!match) return { state, actions: [], row: -1 };
  // nothing changes: the same object comes back (callers skip persisting it)
  if (match.to === 'same' && match.actions.length === 0) return { state, actions: [], row };
  const phase = match.to === 'same' ? state.phase : match.to;
  return {
    state: applyActions({ ...state, phase }, match.actions, ctx),
    actions: match.actions,
    row,
  };
}

function applyActions(
  state: RelayPolicyState,
  actions: readonly PolicyAction[],
  ctx: PolicyContext,
): RelayPolicyState {
  let next = state;
  for (const action of actions) {
    if (action === 'start_grace') next = { ...next, graceStartMonoMs: ctx.nowMonoMs };
    if (action === 'clear_grace') next = { ...next, graceStartMonoMs: null };
    if (action === 'grant_emergency') next = { ...next, emergencyCreditActive: true };
    if (action === 'clear_emergency') next = { ...next, emergencyCreditActive: false };
  }
  return next;
}
