import type { DownstreamChange } from '@gridbill/shared/sync';
import type { Engine } from '../engine/engine.js';
import { postBalanceChange } from '../engine/events.js';
import { acceptRelayOrder } from '../engine/relay-orders.js';
import { evaluateAccounts } from '../engine/relay-policy.js';
import { type StoredCheckpoint, writeCheckpoint } from './inbox.js';

export type ApplyOutcome = 'applied' | 'duplicate' | 'already-credited' | 'ignored';

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
): ApplyOutcome {
  const db = engine.deps.db;
  const wallMs = engine.deps.clock.wallMs();
  return engine.transact(() => {
    const exists = db
      .prepare('SELECT 1 FROM sync_inbox WHERE change_id = ?')
      .pluck()
      .get(change.changeId);
    let outcome: ApplyOutcome = 'duplicate';
    if (exists === undefined) {
      outcome = applyBody(engine, change, wallMs);
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
}

function applyBody(engine: Engine, change: DownstreamChange, wallMs: number): ApplyOutcome {
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
    default:
      return storeAssignment(engine, change);
  }
}

function storeAssignment(engine: Engine, change: DownstreamChange): ApplyOutcome {
  const key = assignmentKey(change);
  const version = 'version' in change.body ? change.body.version : 1;
  const body = JSON.stringify(change.body, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
  const r = engine.deps.db
    .prepare(
      'INSERT INTO sync_assignments VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE ' +
        'SET version = excluded.version, body = excluded.body WHERE excluded.version > version',
    )
    .run(change.kind, key, version, body);
  return r.changes > 0 ? 'applied' : 'ignored';
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
