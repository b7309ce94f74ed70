import type { DownstreamChange } from '@gridbill/shared/sync';
import type { Engine } from '../engine/engine.js';
import { postBalanceChange } from '../engine/events.js';
import { acceptRelayOrder } from '../engine/relay-orders.js';
import { evaluateAccounts } from '../engine/relay-policy.js';
import { applyTariffVersion } from './apply-tariff-version.js';
import {
  pendingSeeds,
  setPendingSeeds,
  type StoredCheckpoint,
  upsertAssignment,
  writeCheckpoint,
} from './inbox.js';
import { accountFromCentral } from './synced-accounts.js';
import { storeKeyRotation } from './trusted-keys.js';

export type ApplyOutcome = 'applied' | 'duplicate' | 'already-credited' | 'ignored' | 'rejected';

/** Called after the inbox transaction committed (the gateway reloads tariffs, seeds balances). */
export interface ApplyHooks {
  /** A tariff version was installed: rebuild the rater. */
  tariffsChanged?(): void;
}

/**
 * Applies one downstream change with its inbox row and the new checkpoint in one engine
 * transaction. Idempotent twice over: by change id (inbox) and, for credits, by ledger entry
 * id through `redeemed_tokens` (the entry id equals the token id of an offline top-up), so a
 * credit arriving by token and by feed, in either order, credits once.
 * Example: credit { entryId: 'e1', amountMinor: 500n } on a balance of 100 → 'applied', 600;
 *   the same change again → 'duplicate'; token e1 redeemed later → 'already-redeemed'.
 */
export function applyChange(
  engine: Engine,
  change: DownstreamChange,
  checkpoint: StoredCheckpoint,
  hooks: ApplyHooks = {},
): ApplyOutcome {
  const db = engine.deps.db;
  const wallMs = engine.deps.clock.wallMs();
  const outcome = engine.transact(() => {
    const exists = db
      .prepare('SELECT 1 FROM sync_inbox WHERE change_id = ?')
      .pluck()
      .get(change.changeId);
    let outcome: ApplyOutcome = 'duplicate';
    if (exists === undefined) {
      outcome = applyChangeBody(engine, change, wallMs);
      db.prepare('INSERT INTO sync_inbox VALUES (?, ?, ?, ?, ?)').run(
        change.changeId,
        change.cseq,
        change.kind,
        outcome,
        wallMs,
      );
    }
    writeCheckpoint(db, checkpoint);
    return outcome;
  });
  if (outcome === 'applied' && change.kind === 'tariff-version') hooks.tariffsChanged?.();
  return outcome;
}

/** The body of one change, without inbox row or checkpoint (also used by snapshots). */
export function applyChangeBody(
  engine: Engine,
  change: DownstreamChange,
  wallMs: number,
): ApplyOutcome {
  const db = engine.deps.db;
  switch (change.kind) {
    case 'credit': {
      const c = change.body;
      if (!engine.accounts.has(c.accountId) || c.currency !== engine.deps.config.currency)
        return 'ignored';
      const amount = c.amountMinor.toString();
      const fresh = engine.stmts.insertRedeemed.run(c.entryId, c.accountId, amount, wallMs);
      if (fresh.changes === 0) return 'already-credited';
      postBalanceChange(engine, {
        accountId: c.accountId,
        entryId: c.entryId,
        entryKind: c.source === 'token-issue' ? 'token' : 'credit',
        deltaMinor: c.amountMinor,
        reference: c.reference,
      });
      evaluateAccounts(engine, [c.accountId]);
      return 'applied';
    }
    case 'relay-order': {
      const o = change.body;
      const status = o.expiresAtMs <= wallMs ? 'expired' : 'pending';
      db.prepare('INSERT OR IGNORE INTO sync_relay_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        o.orderId,
        o.meterId,
        o.action,
        o.priority,
        o.reason,
        o.issuedAtMs,
        o.expiresAtMs,
        status,
      );
      // executed (or refused/expired, reported upstream) in this inbox transaction
      acceptRelayOrder(engine, o, 'feed');
      return 'applied';
    }
    case 'tariff-version': {
      const outcome = applyTariffVersion(engine, change.body);
      return outcome === 'duplicate' ? 'ignored' : outcome;
    }
    case 'account-assignment':
      return applyAccountAssignment(engine, change);
    case 'meter-assignment':
      return applyMeterAssignment(engine, change);
    case 'key-rotation':
      storeKeyRotation(db, change.body);
      return storeAssignment(engine, change);
    default:
      return storeAssignment(engine, change);
  }
}

/**
 * Creates or updates the account in the engine (tariff, mode) when the version is newer than
 * the one held; another currency than the gateway's is refused. Relays are re-evaluated.
 */
function applyAccountAssignment(
  engine: Engine,
  change: Extract<DownstreamChange, { kind: 'account-assignment' }>,
): ApplyOutcome {
  const a = change.body;
  if (a.currency !== engine.deps.config.currency) {
    engine.deps.logger.warn({ account: a }, 'account in another currency refused');
    return 'rejected';
  }
  const outcome = storeAssignment(engine, change);
  if (outcome !== 'applied') return outcome;
  const db = engine.deps.db;
  if (!engine.accounts.has(a.accountId)) setPendingSeeds(db, [...pendingSeeds(db), a.accountId]);
  engine.accounts.set(a.accountId, accountFromCentral(engine.accounts.get(a.accountId), a));
  evaluateAccounts(engine, [a.accountId]);
  return 'applied';
}

/**
 * Stores a meter's assignment by version and, when it names another account this gateway
 * knows, binds the meter to it from now on (`rebindMeter`); both accounts are re-evaluated.
 * An account not known yet is bound when the gateway restarts after learning it; a meter
 * central took off every account (null) keeps its binding (logged by the caller's store).
 */
function applyMeterAssignment(
  engine: Engine,
  change: Extract<DownstreamChange, { kind: 'meter-assignment' }>,
): ApplyOutcome {
  const outcome = storeAssignment(engine, change);
  if (outcome !== 'applied') return outcome;
  const { meterId, accountId } = change.body;
  const before = engine.meters.get(meterId)?.config.accountId;
  if (before !== undefined && accountId !== null && engine.rebindMeter(meterId, accountId)) {
    engine.deps.logger.info({ meterId, from: before, to: accountId }, 'meter moved to account');
    evaluateAccounts(engine, [before, accountId]);
  }
  return outcome;
}

function storeAssignment(engine: Engine, change: DownstreamChange): ApplyOutcome {
  const version = 'version' in change.body ? change.body.version : 1;
  const fresh = upsertAssignment(
    engine.deps.db,
    change.kind,
    assignmentKey(change),
    version,
    change.body,
  );
  return fresh ? 'applied' : 'ignored';
}

function assignmentKey(change: DownstreamChange): string {
  switch (change.kind) {
    case 'meter-assignment':
      return change.body.meterId;
    case 'account-assignment':
      return change.body.accountId;
    case 'tariff-version':
      return change.body.tariffVersionId;
    case 'key-rotation':
      return change.body.keyId;
    default:
      return change.changeId;
  }
}
