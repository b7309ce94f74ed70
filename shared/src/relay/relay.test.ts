import { describe, expect, it } from 'vitest';
import { ALERT_TABLE, nextAlert } from './alert-table.js';
import { decidePolicy } from './decide-policy.js';
import { RELAY_JOURNAL_TABLE, retryDelayMs, stepJournal } from './journal-table.js';
import { RELAY_POLICY_TABLE } from './policy-table.js';
import type { PolicyContext, PolicyEvent, RelayPhase, RelayPolicyState } from './policy-types.js';
import { isProtectedNow } from './protected-window.js';

const thresholds = {
  disconnectMinor: 0n,
  reconnectMinor: 200n,
  emergencyCreditMinor: 300n,
  graceMs: 60_000,
};
const phases: RelayPhase[] = [
  'CONNECTED',
  'GRACE',
  'DISCONNECT_PENDING',
  'DISCONNECTED',
  'RECONNECT_PENDING',
  'MANUAL_LOCK',
  'RELAY_FAULT',
  'ARMED',
];
const events: PolicyEvent[] = [
  { type: 'evaluate' },
  { type: 'relay_confirmed', output: 'open' },
  { type: 'relay_confirmed', output: 'closed' },
  { type: 'relay_confirmed', output: 'armed' },
  { type: 'relay_failed' },
  { type: 'order_dropped', output: 'open' },
  { type: 'order_dropped', output: 'closed' },
  { type: 'order_dropped', output: 'armed' },
  { type: 'order', order: 'open' },
  { type: 'order', order: 'close' },
  { type: 'order', order: 'release' },
  { type: 'emergency_credit' },
];
const bools = [false, true];

interface Case {
  state: RelayPolicyState;
  event: PolicyEvent;
  ctx: PolicyContext;
}

/** Every combination of phase, event and context that matters to a guard. */
function* allCases(): Generator<Case> {
  for (const phase of phases)
    for (const event of events)
      for (const balanceMinor of [-400n, -100n, 0n, 100n, 201n, 1_000n])
        for (const graceStart of [null, 0, 100_000])
          for (const emergencyCreditActive of bools)
            for (const enforced of bools)
              for (const protectedNow of bools)
                for (const safeMode of bools)
                  for (const massCapReached of bools)
                    yield {
                      state: { phase, graceStartMonoMs: graceStart, emergencyCreditActive },
                      event,
                      ctx: {
                        balanceMinor,
                        thresholds,
                        nowMonoMs: 120_000,
                        enforced,
                        protectedNow,
                        safeMode,
                        massCapReached,
                      },
                    };
}

const cases = [...allCases()];
/** Every case decided once (each generated row test filters these). */
const decided = cases.map((c) => ({ c, d: decidePolicy(c.state, c.event, c.ctx) }));

describe('RELAY_POLICY_TABLE (tests generated from the table)', () => {
  RELAY_POLICY_TABLE.forEach((row, index) => {
    it(`row ${index}: ${row.from} --${row.on}/${row.when}--> ${row.to} [${row.actions}]`, () => {
      const hits = decided.filter(({ d }) => d.row === index);
      expect(hits.length, 'row is reachable').toBeGreaterThan(0);
      for (const { c, d } of hits) {
        expect(d.state.phase).toBe(row.to === 'same' ? c.state.phase : row.to);
        expect(d.actions).toEqual(row.actions);
        if (row.from !== '*') expect(c.state.phase).toBe(row.from);
        expect(c.event.type).toBe(row.on);
      }
    });
  });

  it('never disconnects on credit unless every S1 condition holds', () => {
    for (const { c, d } of decided) {
      if (!d.actions.includes('send_open') || c.event.type === 'order') continue;
      const limit = c.state.emergencyCreditActive ? -300n : 0n;
      expect(c.ctx.enforced).toBe(true);
      expect(c.ctx.balanceMinor <= limit).toBe(true);
      expect(c.state.graceStartMonoMs).not.toBeNull();
      expect(c.ctx.nowMonoMs - (c.state.graceStartMonoMs ?? 0)).toBeGreaterThanOrEqual(60_000);
      expect([c.ctx.safeMode, c.ctx.protectedNow, c.ctx.massCapReached]).toEqual([
        false,
        false,
        false,
      ]);
    }
  });

  it('reconnects only above the threshold, on an order, emergency credit or postpaid', () => {
    for (const { c, d } of decided) {
      if (!d.actions.includes('send_close')) continue;
      const why =
        c.event.type === 'order' ||
        c.event.type === 'emergency_credit' ||
        !c.ctx.enforced ||
        c.ctx.balanceMinor > 200n;
      expect(why).toBe(true);
    }
  });

  it('follows a prepaid customer through grace, disconnect and top-up', () => {
    const base = {
      thresholds,
      enforced: true,
      protectedNow: false,
      safeMode: false,
      massCapReached: false,
    };
    let s: RelayPolicyState = {
      phase: 'CONNECTED',
      graceStartMonoMs: null,
      emergencyCreditActive: false,
    };
    const step = (event: PolicyEvent, balanceMinor: bigint, nowMonoMs: number) => {
      const d = decidePolicy(s, event, { ...base, balanceMinor, nowMonoMs });
      s = d.state;
      return d.actions;
    };
    expect(step({ type: 'evaluate' }, -5n, 1_000)).toEqual(['start_grace']);
    expect(step({ type: 'evaluate' }, -5n, 60_999)).toEqual([]);
    expect(step({ type: 'evaluate' }, -5n, 61_000)).toEqual(['send_open']);
    expect(step({ type: 'relay_confirmed', output: 'open' }, -5n, 62_000)).toEqual(['clear_grace']);
    expect(step({ type: 'evaluate' }, 150n, 70_000)).toEqual([]); // below reconnect: hysteresis
    expect(step({ type: 'evaluate' }, 500n, 71_000)).toEqual(['send_close']);
    expect(step({ type: 'relay_confirmed', output: 'closed' }, 500n, 72_000)).toEqual([]);
    expect(s.phase).toBe('CONNECTED');
  });
});

describe('ALERT_TABLE', () => {
  const t = { warnMinor: 500n, criticalMinor: 100n };
  it('announces each level once per crossing', () => {
    expect(nextAlert('none', 90n, t)).toMatchObject({
      level: 'critical',
      emit: 'low_credit_critical',
    });
    expect(nextAlert('none', 400n, t)).toMatchObject({ level: 'warn', emit: 'low_credit_warning' });
    expect(nextAlert('warn', 400n, t)).toMatchObject({ level: 'warn', emit: null });
    expect(nextAlert('warn', 50n, t)).toMatchObject({
      level: 'critical',
      emit: 'low_credit_critical',
    });
    expect(nextAlert('critical', 50n, t)).toMatchObject({ level: 'critical', emit: null });
    expect(nextAlert('critical', 400n, t)).toMatchObject({ level: 'critical', emit: null });
    expect(nextAlert('critical', 501n, t)).toMatchObject({
      level: 'none',
      emit: 'low_credit_cleared',
    });
    expect(nextAlert('none', 501n, t)).toMatchObject({ level: 'none', emit: null });
  });
  it('every alert row is reachable', () => {
    const used = new Set<number>();
    for (const level of ['none', 'warn', 'critical'] as const)
      for (const b of [0n, 100n, 300n, 500n, 600n]) used.add(nextAlert(level, b, t).row);
    expect([...used].sort()).toEqual(ALERT_TABLE.map((_, i) => i));
  });
});

describe('RELAY_JOURNAL_TABLE (tests generated from the table)', () => {
  RELAY_JOURNAL_TABLE.forEach((row) => {
    it(`${row.from} --${row.on}/${row.when}--> ${row.to} (${row.action})`, () => {
      const attempts = row.when === 'no_attempts_left' ? 4 : 1;
      expect(stepJournal(row.from, row.on, attempts, 4)).toEqual({
        status: row.to,
        action: row.action,
      });
    });
  });
  it('has no transition out of terminal states', () => {
    expect(() => stepJournal('done', 'restart', 1, 4)).toThrow(/no transition/);
    expect(() => stepJournal('failed', 'retry_due', 1, 4)).toThrow(/no transition/);
  });
  it('a command that keeps failing ends in failed after maxAttempts sends', () => {
    let status = stepJournal('pending', 'dispatch', 0, 3).status;
    let attempts = 1;
    let sends = 1;
    while (status !== 'failed') {
      if (status === 'sending') status = stepJournal(status, 'send_ok', attempts, 3).status;
      else if (status === 'verifying')
        status = stepJournal(status, 'readback_mismatch', attempts, 3).status;
      else if (status === 'backoff') {
        status = stepJournal(status, 'retry_due', attempts, 3).status;
        attempts += 1;
        sends += 1;
      }
    }
    expect(sends).toBe(3);
    expect([1, 2, 3, 9].map((a) => retryDelayMs(a, 2_000, 60_000))).toEqual([
      2_000, 4_000, 8_000, 60_000,
    ]);
  });
});

describe('isProtectedNow', () => {
  const windows = {
    nightStartMinute: 1_080,
    nightEndMinute: 480,
    weekends: true,
    holidays: ['2026-03-03'],
  };
  const zone = 'Africa/Nairobi'; // UTC+3
  const at = (iso: string) => ({ wallMs: Date.parse(iso), trusted: true });
  it('applies night, weekend and holiday windows in local time, untrusted = protected', () => {
    expect(isProtectedNow(at('2026-03-02T20:30:00Z'), zone, windows)).toBe(true); // Mon 23:30
    expect(isProtectedNow(at('2026-03-02T09:00:00Z'), zone, windows)).toBe(false); // Mon 12:00
    expect(isProtectedNow(at('2026-03-02T04:59:00Z'), zone, windows)).toBe(true); // Mon 07:59
    expect(isProtectedNow(at('2026-03-02T05:00:00Z'), zone, windows)).toBe(false); // Mon 08:00
    expect(isProtectedNow(at('2026-03-03T09:00:00Z'), zone, windows)).toBe(true); // holiday
    expect(isProtectedNow(at('2026-03-07T09:00:00Z'), zone, windows)).toBe(true); // Saturday
    expect(isProtectedNow({ ...at('2026-03-02T09:00:00Z'), trusted: false }, zone, windows)).toBe(
      true,
    );
  });
});
