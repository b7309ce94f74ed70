import type { AlertLevel } from './alert-table.js';
import type { RelayPolicyState } from './policy-types.js';

/** The thresholds a quiet `evaluate` is judged against (the relay policy's configuration). */
export interface QuietThresholds {
  disconnectMinor: bigint;
  warnMinor: bigint;
  criticalMinor: bigint;
}

/**
 * True when an `evaluate` event cannot change a meter: `decidePolicy` would give the same
 * state and no action, and `nextAlert` (run only when enforced) the same level with nothing
 * to emit, whatever the clock, protected windows, safe mode or mass cap say. The gateway then
 * skips building a policy context (the common case: a connected meter with credit above
 * every threshold, or a postpaid one). `quiet-evaluate.test.ts` checks this against the
 * tables for every phase, alert level and balance around the thresholds.
 *
 * @example
 * isQuietEvaluate({ phase: 'CONNECTED', graceStartMonoMs: null, emergencyCreditActive: false },
 *   'none', 10_000n, true, { disconnectMinor: 0n, warnMinor: 500n, criticalMinor: 100n })
 * // → true (and false at a balance of 500n: the warning is due)
 */
export function isQuietEvaluate(
  state: RelayPolicyState,
  alert: AlertLevel,
  balanceMinor: bigint,
  enforced: boolean,
  t: QuietThresholds,
): boolean {
  if (state.phase !== 'CONNECTED' && state.phase !== 'ARMED') return false;
  if (!enforced) return true;
  return (
    !state.emergencyCreditActive &&
    alert === 'none' &&
    balanceMinor > t.disconnectMinor &&
    balanceMinor > t.warnMinor &&
    balanceMinor > t.criticalMinor
  );
}
