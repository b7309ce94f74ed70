import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertLevel, nextAlert } from './alert-table.js';
import { decidePolicy } from './decide-policy.js';
import type { RelayPhase } from './policy-types.js';
import { isQuietEvaluate } from './quiet-evaluate.js';

const PHASES: RelayPhase[] = [
  'CONNECTED',
  'GRACE',
  'DISCONNECT_PENDING',
  'DISCONNECTED',
  'RECONNECT_PENDING',
  'MANUAL_LOCK',
  'RELAY_FAULT',
  'ARMED',
];
const LEVELS: AlertLevel[] = ['none', 'warn', 'critical'];

/** Small amounts, so balances land on, just above and just below every threshold. */
const minor = fc.bigInt({ min: -6n, max: 6n });

const input = fc.record({
  phase: fc.constantFrom(...PHASES),
  graceStartMonoMs: fc.option(fc.integer({ min: 0, max: 1_000 })),
  emergencyCreditActive: fc.boolean(),
  alert: fc.constantFrom(...LEVELS),
  balanceMinor: minor,
  enforced: fc.boolean(),
  disconnectMinor: minor,
  reconnectMinor: minor,
  emergencyCreditMinor: fc.bigInt({ min: 0n, max: 4n }),
  warnMinor: minor,
  criticalMinor: minor,
  graceMs: fc.integer({ min: 0, max: 1_000 }),
  nowMonoMs: fc.integer({ min: 0, max: 2_000 }),
  protectedNow: fc.boolean(),
  safeMode: fc.boolean(),
  massCapReached: fc.boolean(),
});

describe('isQuietEvaluate', () => {
  it('is true only where the policy and alert tables change nothing', () => {
    fc.assert(
      fc.property(input, (x) => {
        const state = {
          phase: x.phase,
          graceStartMonoMs: x.graceStartMonoMs,
          emergencyCreditActive: x.emergencyCreditActive,
        };
        const quiet = isQuietEvaluate(state, x.alert, x.balanceMinor, x.enforced, x);
        if (!quiet) return;
        const decision = decidePolicy(
          state,
          { type: 'evaluate' },
          {
            balanceMinor: x.balanceMinor,
            thresholds: x,
            nowMonoMs: x.nowMonoMs,
            enforced: x.enforced,
            protectedNow: x.protectedNow,
            safeMode: x.safeMode,
            massCapReached: x.massCapReached,
          },
        );
        expect(decision.state).toBe(state);
        expect(decision.actions).toEqual([]);
        if (!x.enforced) return;
        expect(nextAlert(x.alert, x.balanceMinor, x)).toMatchObject({ level: x.alert, emit: null });
      }),
      { numRuns: 20_000 },
    );
  });

  it('is quiet for a connected meter above every threshold, not at the warning', () => {
    const state = {
      phase: 'CONNECTED' as const,
      graceStartMonoMs: null,
      emergencyCreditActive: false,
    };
    const t = { disconnectMinor: 0n, warnMinor: 500n, criticalMinor: 100n };
    expect(isQuietEvaluate(state, 'none', 501n, true, t)).toBe(true);
    expect(isQuietEvaluate(state, 'none', 500n, true, t)).toBe(false);
    expect(isQuietEvaluate(state, 'warn', 10_000n, true, t)).toBe(false);
    expect(isQuietEvaluate({ ...state, phase: 'GRACE' }, 'none', 10_000n, true, t)).toBe(false);
    expect(isQuietEvaluate(state, 'critical', -50n, false, t)).toBe(true);
  });
});
