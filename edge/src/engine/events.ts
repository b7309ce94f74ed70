import {
  type IntervalBlockBuilder,
  intervalBlockId,
  packIntervalBlock,
} from '@gridbill/shared/sync';
import type { Engine } from './engine.js';

export type AlarmSeverity = 'info' | 'warning' | 'critical';

/**
 * Appends an alarm to the outbox (inside the caller's transaction). The alarm id is
 * deterministic from `key`, so a replayed cycle raises the same alarm id.
 *
 * @example
 * raiseAlarm(engine, { code: 'relay-fault', severity: 'critical', meterId: 'm1',
 *   message: 'relay did not open after 4 attempts', key: ['cmd-1'] })
 */
export function raiseAlarm(
  engine: Engine,
  alarm: {
    code: string;
    severity: AlarmSeverity;
    meterId: string | null;
    message: string;
    key: (string | number)[];
  },
): void {
  const alarmId = engine.deps.contentId('alarm', alarm.code, ...alarm.key);
  const body = {
    alarmId,
    code: alarm.code,
    severity: alarm.severity,
    meterId: alarm.meterId,
    message: alarm.message.slice(0, 500),
  };
  engine.outbox.append({ kind: 'alarm', eventId: alarmId, body }, engine.time());
  engine.deps.logger.warn({ alarm: body }, `alarm ${alarm.code}: ${alarm.message}`);
}

/**
 * Moves an account balance by `deltaMinor` and appends the balance-change event.
 *
 * @example
 * postBalanceChange(engine, { accountId: 'a1', entryId, entryKind: 'charge',
 *   deltaMinor: -37n, reference: 'charge:m1:1700000000000' }) // → new balance
 */
export function postBalanceChange(
  engine: Engine,
  change: {
    accountId: string;
    entryId: string;
    entryKind: 'charge' | 'token' | 'emergency-credit' | 'adjustment' | 'credit' | 'fixed-fee';
    deltaMinor: bigint;
    reference: string;
  },
): bigint {
  const after = engine.balanceOf(change.accountId) + change.deltaMinor;
  engine.balances.set(change.accountId, after);
  const body = {
    entryId: change.entryId,
    accountId: change.accountId,
    entryKind: change.entryKind,
    amountMinor: change.deltaMinor.toString(),
    currency: engine.deps.config.currency,
    balanceAfterMinor: after.toString(),
    reference: change.reference,
  };
  engine.outbox.append({ kind: 'balance-change', eventId: change.entryId, body }, engine.time());
  return after;
}

/**
 * Appends the block built so far as one `interval-block` event (inside the caller's
 * transaction) and starts a new block; an empty block appends nothing. The event id is the
 * block's deterministic id, so a cycle replayed after a crash sends the same id. The body is
 * the packed form (`packIntervalBlock`), as central receives it.
 *
 * @example
 * appendBlock(engine, cycle.block) // → outbox row { kind: 'interval-block', eventId: '…' }
 */
export function appendBlock(engine: Engine, block: IntervalBlockBuilder): void {
  if (block.empty) return;
  const columns = block.take();
  const eventId = intervalBlockId(engine.deps.config.gatewayId, columns);
  const body = packIntervalBlock(columns);
  engine.outbox.append({ kind: 'interval-block', eventId, body }, engine.time());
}
