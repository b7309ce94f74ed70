import { divRound } from '@gridbill/shared/money';
import {
  decidePolicy,
  INITIAL_RELAY_STATE,
  isProtectedNow,
  isQuietEvaluate,
  nextAlert,
  type PolicyAction,
  type PolicyContext,
  type PolicyEvent,
} from '@gridbill/shared/relay';
import type { Engine, RelayRecord } from './engine.js';
import { raiseAlarm } from './events.js';
import { createRelayCommand } from './relay-commands.js';

/**
 * Re-evaluates the relay policy of every meter of the given accounts (inside a transaction).
 *
 * @example
 * engine.transact(() => evaluateAccounts(engine, ['a1'])) // may persist a disconnect command
 */
export function evaluateAccounts(engine: Engine, accountIds: Iterable<string>): void {
  for (const accountId of accountIds)
    for (const meter of engine.metersOfAccount(accountId)) evaluateMeter(engine, meter.config.id);
}

/**
 * Evaluates until the phase settles (at most 3 steps), so a grace period that is zero or
 * already over leads from the crossing reading straight to the disconnect command. An unlock
 * passes its reason and order id (the reconnect it may cause carries them). A meter the
 * evaluation cannot change (`isQuietEvaluate`: connected, credit above every threshold) is
 * left as it is without building a policy context.
 */
export function evaluateMeter(
  engine: Engine,
  meterId: string,
  reason = 'credit',
  commandId?: string,
): void {
  if (isQuiet(engine, meterId)) return;
  for (let i = 0; i < 3; i++) {
    const before = engine.relays.get(meterId)?.policy.phase;
    applyPolicyEvent(engine, meterId, { type: 'evaluate' }, reason, commandId);
    if (engine.relays.get(meterId)?.policy.phase === before) return;
  }
}

/**
 * A central order switching a hybrid account's mode: applied and re-evaluated in one
 * transaction (prepaid → credit rules apply at once; postpaid → a credit disconnection is
 * lifted).
 *
 * @example
 * switchAccountMode(engine, 'ACC-7', 'postpaid') // a DISCONNECTED meter gets a close command
 */
export function switchAccountMode(
  engine: Engine,
  accountId: string,
  mode: 'prepaid' | 'postpaid',
): void {
  engine.transact(() => {
    engine.setActiveMode(accountId, mode);
    evaluateAccounts(engine, [accountId]);
  });
}

/** Re-evaluates every account (grace periods and protected windows end without readings). */
export function evaluateAll(engine: Engine): void {
  engine.transact(() => evaluateAccounts(engine, engine.accounts.keys()));
}

/**
 * Applies one policy event to a meter: persists the new state and carries out the actions.
 * `commandId` names the relay command it may create (a relay order's id).
 */
export function applyPolicyEvent(
  engine: Engine,
  meterId: string,
  event: PolicyEvent,
  reason: string,
  commandId?: string,
): PolicyAction[] {
  const meter = engine.meters.get(meterId);
  if (!meter) throw new Error(`unknown meter "${meterId}"`);
  const record = engine.relays.get(meterId) ?? NEW_RECORD;
  const ctx = policyContext(engine, meter.config.accountId);
  const decision = decidePolicy(record.policy, event, ctx);
  const alert = ctx.enforced ? alertStep(engine, meterId, record, ctx) : record.alert;
  if (decision.state !== record.policy || alert !== record.alert)
    engine.relays.set(meterId, { policy: decision.state, alert });
  for (const action of decision.actions)
    act(engine, meterId, action, event, { reason, commandId }, ctx);
  return decision.actions;
}

/** Balance minus the estimated cost of usage polled since the last rated interval. */
export function projectedBalanceMinor(engine: Engine, accountId: string): bigint {
  let balance = engine.balanceOf(accountId);
  const price = engine.lastPrice.get(accountId);
  for (const meter of engine.metersOfAccount(accountId)) {
    const snap = engine.provisional.get(meter.config.id);
    const vee = engine.vee.get(meter.config.id);
    if (!snap || !vee || !price || price.energyWh <= 0 || snap.serial !== vee.serial) continue;
    const wh = snap.valueWh - vee.lastValueWh;
    if (wh <= 0) continue;
    balance -= divRound(BigInt(wh) * price.amountMinor, BigInt(price.energyWh), 'up');
  }
  return balance;
}

/** A meter never evaluated yet. */
const NEW_RECORD: RelayRecord = { policy: INITIAL_RELAY_STATE, alert: 'none' };

function isQuiet(engine: Engine, meterId: string): boolean {
  const meter = engine.meters.get(meterId);
  if (!meter) return false;
  const record = engine.relays.get(meterId) ?? NEW_RECORD;
  const accountId = meter.config.accountId;
  return isQuietEvaluate(
    record.policy,
    record.alert,
    projectedBalanceMinor(engine, accountId),
    isEnforced(engine, accountId),
    engine.deps.config.relayPolicy,
  );
}

/** Credit enforcement applies: prepaid, or hybrid currently in prepaid mode. */
function isEnforced(engine: Engine, accountId: string): boolean {
  const account = engine.accounts.get(accountId);
  return (
    account?.mode === 'prepaid' ||
    (account?.mode === 'hybrid' && (account.activeMode ?? 'prepaid') === 'prepaid')
  );
}

function policyContext(engine: Engine, accountId: string): PolicyContext {
  const { config, clock } = engine.deps;
  const p = config.relayPolicy;
  const nowMonoMs = clock.monoMs();
  return {
    balanceMinor: projectedBalanceMinor(engine, accountId),
    thresholds: {
      disconnectMinor: p.disconnectMinor,
      reconnectMinor: p.reconnectMinor,
      emergencyCreditMinor: p.emergencyCreditMinor,
      graceMs: p.graceSeconds * 1000,
    },
    nowMonoMs,
    enforced: isEnforced(engine, accountId),
    protectedNow: isProtectedNow(engine.time(), config.siteTimeZone, p.protectedWindows),
    safeMode: engine.safeMode,
    massCapReached: engine.massCap.reached(nowMonoMs),
  };
}

function alertStep(engine: Engine, meterId: string, record: RelayRecord, ctx: PolicyContext) {
  const p = engine.deps.config.relayPolicy;
  const next = nextAlert(record.alert, ctx.balanceMinor, p);
  if (next.emit)
    raiseAlarm(engine, {
      code: next.emit.replaceAll('_', '-'),
      severity: next.emit === 'low_credit_critical' ? 'critical' : 'info',
      meterId,
      message: `balance ${ctx.balanceMinor} minor units (${next.level})`,
      key: [meterId, engine.outbox.lastSeq()],
    });
  return next.level;
}

function act(
  engine: Engine,
  meterId: string,
  action: PolicyAction,
  event: PolicyEvent,
  cause: { reason: string; commandId: string | undefined },
  ctx: PolicyContext,
): void {
  if (action === 'send_open' || action === 'send_close') {
    if (action === 'send_open' && event.type === 'evaluate') engine.massCap.record(ctx.nowMonoMs);
    const relayAction = action === 'send_open' ? 'open' : 'close';
    createRelayCommand(engine, meterId, relayAction, cause.reason, cause.commandId);
  } else if (action === 'raise_relay_fault') {
    raiseAlarm(engine, {
      code: 'relay-fault',
      severity: 'critical',
      meterId,
      message: 'relay command failed after all retries; RELAY_FAULT',
      key: [meterId, engine.outbox.lastSeq()],
    });
  } else if (action === 'hold_mass_cap' && engine.noteMassCapHold(ctx.nowMonoMs)) {
    raiseAlarm(engine, {
      code: 'mass-disconnect-cap',
      severity: 'critical',
      meterId: null,
      message: 'disconnection cap reached; further disconnections held for central review',
      key: [engine.outbox.lastSeq()],
    });
  }
}
