import type { RelayPhase } from '@gridbill/shared/relay';
import type { relayOrderBodySchema } from '@gridbill/shared/sync';
import type { z } from 'zod';
import type { Engine } from './engine.js';
import { commandById } from './relay-commands.js';
import { applyPolicyEvent, evaluateMeter } from './relay-policy.js';

/** A relay order as central sends it (change feed or MQTT) or the operator gives it. */
export type RelayOrder = z.output<typeof relayOrderBodySchema>;
export type RelayOrderSource = 'feed' | 'mqtt' | 'operator';

/**
 * `accepted`: a relay command with id = order id is persisted (the journal reports its
 * outcome); `done`: nothing to switch (an unlock that leaves credit logic in charge);
 * `expired` / `refused`: reported upstream at once; `duplicate`: this order id was seen before.
 */
export type OrderOutcome = 'accepted' | 'done' | 'expired' | 'refused' | 'duplicate';

export interface OrderResult {
  orderId: string;
  outcome: OrderOutcome;
  detail: string;
  /** The relay command carrying the order (its id is the order id), if one was created. */
  commandId: string | null;
}

interface HoldRow {
  order_id: string;
  priority: number;
}

/**
 * The one entry point for relay orders from every source. Runs in the caller's transaction
 * (e.g. with the feed's inbox row) or opens one. Dedupes by order id, refuses expired orders
 * and orders below the priority of the order holding the meter (credit logic is priority 0:
 * a disconnect or lock holds the relay open against credit reconnects until a connect or
 * unlock of at least its priority), refuses disconnects in safe mode, and hands the command to
 * the relay journal. Every outcome reaches central as a `relay-event` with commandId = orderId.
 *
 * @example
 * acceptRelayOrder(engine, { orderId: 'o-1', meterId: 'm1', action: 'lock', priority: 9,
 *   reason: 'line work', issuedAtMs: t, expiresAtMs: t + 3_600_000 }, 'feed')
 * // → { orderId: 'o-1', outcome: 'accepted', detail: 'relay open ordered', commandId: 'o-1' }
 */
export function acceptRelayOrder(
  engine: Engine,
  order: RelayOrder,
  source: RelayOrderSource,
): OrderResult {
  if (!engine.deps.db.inTransaction)
    return engine.transact(() => acceptRelayOrder(engine, order, source));
  const seen = engine.deps.db
    .prepare('SELECT status, detail FROM relay_orders WHERE order_id = ?')
    .get(order.orderId) as { status: string; detail: string } | undefined;
  if (seen) {
    const detail = `order ${order.orderId} already ${seen.status}: ${seen.detail}`;
    return { orderId: order.orderId, outcome: 'duplicate', detail, commandId: null };
  }
  const refusal = refusalOf(engine, order);
  if (refusal) {
    record(engine, order, source, refusal.outcome, refusal.detail, false);
    reportNow(engine, order, refusal.outcome, refusal.detail);
    return { orderId: order.orderId, ...refusal, commandId: null };
  }
  return execute(engine, order, source);
}

/**
 * An order given at the gateway (`gridbill-edge relay`, `POST /api/relay/:meter`): id
 * `op-<random>`, valid for a day (a queued order of a stopped gateway expires with it).
 *
 * @example
 * operatorOrder(engine, 'm1', 'open', 'meter swap') // → { outcome: 'accepted', ... }
 */
export function operatorOrder(
  engine: Engine,
  meterId: string,
  action: 'open' | 'close' | 'lock' | 'unlock',
  reason: string,
  priority = OPERATOR_PRIORITY,
): OrderResult {
  const nowMs = engine.deps.clock.wallMs();
  const names = { open: 'disconnect', close: 'connect', lock: 'lock', unlock: 'unlock' } as const;
  return acceptRelayOrder(
    engine,
    {
      orderId: `op-${engine.deps.newId()}`,
      meterId,
      action: names[action],
      priority,
      reason: `operator: ${reason}`.slice(0, 200),
      issuedAtMs: nowMs,
      expiresAtMs: nowMs + 86_400_000,
    },
    'operator',
  );
}

/** Priority of a local operator's order unless given (a safety lock, 9, outranks it). */
export const OPERATOR_PRIORITY = 5;

/**
 * True when `commandId` carries an order that expired before its command was sent (the
 * journal then drops it instead of sending: a stale queued order is never executed). With an
 * untrusted clock see `orderExpired`; after a restart the deadline of an opening order is
 * unknown, so it counts as expired (a connect or unlock still runs).
 */
export function orderExpiredUnsent(engine: Engine, commandId: string): boolean {
  const row = engine.deps.db
    .prepare(
      'SELECT order_id AS orderId, action, issued_at_ms AS issuedAtMs, ' +
        "expires_at_ms AS expiresAtMs FROM relay_orders WHERE order_id = ? AND status = 'accepted'",
    )
    .get(commandId) as (ExpiryFacts & { action: RelayOrder['action'] }) | undefined;
  if (row === undefined) return false;
  const opens = row.action === 'disconnect' || row.action === 'lock';
  if (opens && !engine.deps.clockTrusted() && !deadlinesOf(engine).has(row.orderId)) return true;
  return orderExpired(engine, row);
}

type ExpiryFacts = Pick<RelayOrder, 'orderId' | 'issuedAtMs' | 'expiresAtMs'>;

/** Monotonic deadlines of orders judged while the gateway clock was untrusted (per engine). */
const untrustedDeadlines = new WeakMap<Engine, Map<string, number>>();

function deadlinesOf(engine: Engine): Map<string, number> {
  const map = untrustedDeadlines.get(engine) ?? new Map<string, number>();
  untrustedDeadlines.set(engine, map);
  return map;
}

/**
 * Whether an order has expired. With a trusted clock: wall time ≥ `expiresAtMs`. With an
 * untrusted one the wall time says nothing, but the true time is at least the order's
 * `issuedAtMs` (central's clock), so the order lives at most `expiresAtMs − issuedAtMs` from
 * when this gateway first judged it, counted on the monotonic clock.
 * Example: untrusted clock reading 2031, order issued 10:00 expiring 11:00 → not expired
 *   until one monotonic hour after it arrived.
 */
export function orderExpired(engine: Engine, o: ExpiryFacts): boolean {
  if (engine.deps.clockTrusted()) return o.expiresAtMs <= engine.deps.clock.wallMs();
  const monoMs = engine.deps.clock.monoMs();
  const deadlines = deadlinesOf(engine);
  const deadline = deadlines.get(o.orderId) ?? monoMs + Math.max(0, o.expiresAtMs - o.issuedAtMs);
  deadlines.set(o.orderId, deadline);
  return monoMs >= deadline;
}

/**
 * Drops an expired, unsent order's command (in one transaction): command failed, order
 * expired and no longer holding, `relay-event` outcome expired with the state read back, the
 * phase set from the read-back and credit logic re-evaluated.
 *
 * @example
 * dropExpiredOrder(engine, { id: 'o-1', meterId: 'm1', action: 'open', … }, 'closed')
 * // → phase CONNECTED, relay-event { commandId: 'o-1', outcome: 'expired', … }
 */
export function dropExpiredOrder(
  engine: Engine,
  cmd: { id: string; meterId: string; action: 'open' | 'close'; attempts: number },
  output: 'open' | 'closed' | 'armed',
): void {
  engine.transact(() => {
    const detail = 'order expired before it was sent; dropped';
    const wallMs = engine.deps.clock.wallMs();
    engine.stmts.updateCommand.run('failed', cmd.attempts, wallMs, detail, cmd.id);
    engine.deps.db
      .prepare(
        "UPDATE relay_orders SET status = 'expired', holding = 0, detail = ? WHERE order_id = ?",
      )
      .run(detail, cmd.id);
    const body = {
      meterId: cmd.meterId,
      commandId: cmd.id,
      action: cmd.action === 'open' ? 'disconnect' : 'connect',
      outcome: 'expired',
      reason: detail,
      relayStateAfter:
        output === 'open' ? 'disconnected' : output === 'closed' ? 'connected' : 'armed',
    };
    const eventId = engine.deps.contentId('relay-event', cmd.id, 'expired');
    engine.outbox.append({ kind: 'relay-event', eventId, body }, engine.time());
    applyPolicyEvent(engine, cmd.meterId, { type: 'order_dropped', output }, detail);
    evaluateMeter(engine, cmd.meterId);
  });
}

/** Records the journal's final status of an order's command (no-op for credit commands). */
export function settleOrder(engine: Engine, commandId: string, status: 'done' | 'failed'): void {
  engine.deps.db
    .prepare("UPDATE relay_orders SET status = ? WHERE order_id = ? AND status = 'accepted'")
    .run(status, commandId);
}

function refusalOf(
  engine: Engine,
  order: RelayOrder,
): { outcome: 'expired' | 'refused'; detail: string } | null {
  if (orderExpired(engine, order)) {
    const at = engine.deps.clockTrusted()
      ? `received ${engine.deps.clock.wallMs()}`
      : 'its lifetime is over (clock untrusted)';
    return { outcome: 'expired', detail: `expired at ${order.expiresAtMs}, ${at}` };
  }
  if (!engine.meters.has(order.meterId))
    return { outcome: 'refused', detail: `unknown meter "${order.meterId}" on this gateway` };
  const opens = order.action === 'disconnect' || order.action === 'lock';
  if (opens && engine.safeMode)
    return { outcome: 'refused', detail: `gateway in safe mode: ${engine.safeModeReason}` };
  const hold = holdOf(engine, order.meterId);
  if (hold && order.priority < hold.priority)
    return {
      outcome: 'refused',
      detail:
        `meter held by order ${hold.order_id} at priority ${hold.priority}` +
        ` > ${order.priority}`,
    };
  return null;
}

function execute(engine: Engine, order: RelayOrder, source: RelayOrderSource): OrderResult {
  const { meterId, orderId } = order;
  const opens = order.action === 'disconnect' || order.action === 'lock';
  engine.deps.db.prepare('UPDATE relay_orders SET holding = 0 WHERE meter_id = ?').run(meterId);
  if (order.action === 'unlock') {
    applyPolicyEvent(engine, meterId, { type: 'order', order: 'release' }, order.reason);
    evaluateMeter(engine, meterId, order.reason, orderId);
  } else {
    const event = { type: 'order', order: opens ? 'open' : 'close' } as const;
    applyPolicyEvent(engine, meterId, event, order.reason, orderId);
  }
  const commandId = commandById(engine, orderId) ? orderId : null;
  if (commandId) {
    const detail = `relay ${opens ? 'open' : 'close'} ordered (${source})`;
    record(engine, order, source, 'accepted', detail, opens);
    return { orderId, outcome: 'accepted', detail, commandId };
  }
  const phase = engine.relays.get(meterId)?.policy.phase ?? 'CONNECTED';
  const detail = `unlocked; credit logic keeps the relay (${phase})`;
  record(engine, order, source, 'done', detail, false);
  reportNow(engine, order, 'done', detail);
  return { orderId, outcome: 'done', detail, commandId: null };
}

function holdOf(engine: Engine, meterId: string): HoldRow | undefined {
  return engine.deps.db
    .prepare('SELECT order_id, priority FROM relay_orders WHERE meter_id = ? AND holding = 1')
    .get(meterId) as HoldRow | undefined;
}

function record(
  engine: Engine,
  o: RelayOrder,
  source: RelayOrderSource,
  status: string,
  detail: string,
  holding: boolean,
): void {
  engine.deps.db
    .prepare('INSERT INTO relay_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(
      o.orderId,
      o.meterId,
      o.action,
      o.priority,
      o.reason,
      source,
      o.issuedAtMs,
      o.expiresAtMs,
      engine.deps.clock.wallMs(),
      status,
      detail.slice(0, 200),
      holding ? 1 : 0,
    );
  engine.deps.logger.info({ order: o, source, status, detail }, `relay order ${status}`);
}

/** A relay-event for an order settled without the journal (refused, expired, nothing to do). */
function reportNow(
  engine: Engine,
  order: RelayOrder,
  outcome: 'done' | 'expired' | 'refused',
  detail: string,
): void {
  const phase = engine.relays.get(order.meterId)?.policy.phase;
  const body = {
    meterId: order.meterId,
    commandId: order.orderId,
    action: order.action === 'disconnect' || order.action === 'lock' ? 'disconnect' : 'connect',
    outcome,
    reason: detail.slice(0, 200),
    relayStateAfter: phase ? believedState(phase) : 'unknown',
  };
  const eventId = engine.deps.contentId('relay-event', order.orderId, outcome);
  engine.outbox.append({ kind: 'relay-event', eventId, body }, engine.time());
}

/**
 * The relay state the gateway believes from a policy phase (pending and faulty: unknown).
 *
 * @example
 * believedState('MANUAL_LOCK') // → 'disconnected'
 */
export function believedState(
  phase: RelayPhase,
): 'connected' | 'disconnected' | 'armed' | 'unknown' {
  if (phase === 'CONNECTED' || phase === 'GRACE') return 'connected';
  if (phase === 'DISCONNECTED' || phase === 'MANUAL_LOCK') return 'disconnected';
  if (phase === 'ARMED') return 'armed';
  return 'unknown';
}
