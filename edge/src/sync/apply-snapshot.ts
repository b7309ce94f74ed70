import { intervalBlockBodySchema, type Snapshot } from '@gridbill/shared/sync';
import { contentId } from '@gridbill/shared/ids';
import type { Engine } from '../engine/engine.js';
import { evaluateAccounts } from '../engine/relay-policy.js';
import { applyChangeBody } from './apply-change.js';
import { applyTariffVersion } from './apply-tariff-version.js';
import { pendingSeeds, setPendingSeeds, upsertAssignment, writeCheckpoint } from './inbox.js';
import { accountFromCentral } from './synced-accounts.js';
import { storeKeyRotation } from './trusted-keys.js';

export interface SnapshotResult {
  tariffVersions: number;
  accounts: number;
  seededBalances: number;
}

/**
 * Applies a whole snapshot in one engine transaction (first start, or a rebuilt feed): keys,
 * tariff versions (verified like feed changes), accounts, meters, pending relay orders, the
 * balances of every account it names, and the checkpoint to continue the feed from.
 * Example: fresh gateway + snapshot at { e1, 12 } → accounts rated, balances = central's,
 *   next pull asks for changes after cseq 12.
 */
export function applyFullSnapshot(engine: Engine, snap: Snapshot): SnapshotResult {
  const wallMs = engine.deps.clock.wallMs();
  return engine.transact(() => {
    for (const k of snap.keys) {
      storeKeyRotation(engine.deps.db, k);
      upsertAssignment(engine.deps.db, 'key-rotation', k.keyId, 1, k);
    }
    let tariffVersions = 0;
    for (const v of snap.tariffVersions)
      if (applyTariffVersion(engine, v) === 'applied') tariffVersions += 1;
    let accounts = 0;
    for (const a of snap.accounts) {
      if (a.currency !== engine.deps.config.currency) continue;
      upsertAssignment(engine.deps.db, 'account-assignment', a.accountId, a.version, a);
      engine.accounts.set(a.accountId, accountFromCentral(engine.accounts.get(a.accountId), a));
      accounts += 1;
    }
    for (const m of snap.meters) {
      upsertAssignment(engine.deps.db, 'meter-assignment', m.meterId, m.version, m);
      if (m.accountId !== null) engine.rebindMeter(m.meterId, m.accountId);
    }
    for (const order of snap.relayOrders) {
      const changeId = contentId('sync-snapshot-order', order.orderId);
      applyChangeBody(engine, { cseq: 1, changeId, kind: 'relay-order', body: order }, wallMs);
    }
    const seeded = seedBalances(engine, snap, null);
    setPendingSeeds(engine.deps.db, []);
    writeCheckpoint(engine.deps.db, snap.checkpoint);
    return { tariffVersions, accounts, seededBalances: seeded };
  });
}

/**
 * Seeds the balances of accounts the gateway just learned (an account-assignment for an
 * account it did not rate): central's balance plus its own unacknowledged charges; the
 * checkpoint is not touched. Returns how many balances were set.
 */
export function seedLearnedAccounts(
  engine: Engine,
  snap: Snapshot,
  accountIds: ReadonlySet<string>,
): number {
  return engine.transact(() => {
    const seeded = seedBalances(engine, snap, accountIds);
    const db = engine.deps.db;
    setPendingSeeds(
      db,
      pendingSeeds(db).filter((id) => !accountIds.has(id)),
    );
    return seeded;
  });
}

/**
 * balance = configured opening balance (central never saw it) + central's balance (all credits
 * and the charges of edge seqs ≤ includesEdgeSeqThrough) + the movements of this gateway's
 * charges still in its outbox above that seq. Credit entry ids go to `redeemed_tokens`, so
 * the same credit by feed or by token later credits nothing.
 */
function seedBalances(engine: Engine, snap: Snapshot, only: ReadonlySet<string> | null): number {
  const chosen = snap.balances.filter(
    (b) =>
      (only === null || only.has(b.accountId)) &&
      engine.accounts.has(b.accountId) &&
      b.currency === engine.deps.config.currency,
  );
  const first = chosen[0];
  if (first === undefined) return 0;
  const unacked = unackedDeltas(engine, first.incarnation, first.includesEdgeSeqThrough);
  for (const b of chosen) {
    const opening = engine.accounts.get(b.accountId)?.openingBalanceMinor ?? 0n;
    const own = unacked.get(b.accountId) ?? 0n;
    engine.balances.set(b.accountId, opening + b.balanceMinor + own);
    for (const c of b.credits)
      engine.stmts.insertRedeemed.run(c.entryId, b.accountId, `${c.amountMinor}`, snap.takenAtMs);
  }
  const ids = chosen.map((b) => b.accountId);
  engine.deps.logger.info({ accounts: ids, checkpoint: snap.checkpoint }, 'balances seeded');
  evaluateAccounts(engine, ids);
  return chosen.length;
}

/**
 * Balance movements per account by this gateway's charges central has not counted yet:
 * outbox rows above `throughSeq` of kind `charge` (−amountMinor), `interval-block` (the
 * block's per-account net `balances.amountMinor`) and standing charges (`balance-change` of
 * kind `fixed-fee`, amountMinor as drawn).
 * Example: one pending block with balances { account: [0], amountMinor: ['-8'] } → { a1: -8n }.
 */
function unackedDeltas(
  engine: Engine,
  incarnation: string | null,
  throughSeq: number,
): Map<string, bigint> {
  const db = engine.deps.db;
  const own = db.prepare("SELECT value FROM meta WHERE key = 'incarnation_id'").pluck().get();
  const after = incarnation !== null && incarnation === own ? throughSeq : 0;
  const rows = db
    .prepare(
      "SELECT kind, body FROM outbox WHERE kind IN ('charge', 'interval-block', 'balance-change')" +
        ' AND seq > ?',
    )
    .all(after) as { kind: string; body: string }[];
  const sums = new Map<string, bigint>();
  const add = (id: string, delta: bigint) => sums.set(id, (sums.get(id) ?? 0n) + delta);
  for (const row of rows) {
    const body = JSON.parse(row.body);
    if (row.kind === 'charge') add(body.accountId, -BigInt(body.amountMinor));
    else if (row.kind === 'balance-change') {
      if (body.entryKind === 'fixed-fee') add(body.accountId, BigInt(body.amountMinor));
    } else {
      const block = intervalBlockBodySchema.parse(body);
      block.balances.account.forEach((index, k) => {
        add(block.accountIds[index] ?? '', BigInt(block.balances.amountMinor[k] ?? '0'));
      });
    }
  }
  return sums;
}

/**
 * True when the gateway pruned outbox rows the snapshot does not count (an ack arrived for
 * seqs above `includesEdgeSeqThrough` after central built it): fetch a newer snapshot.
 */
export function snapshotIsStale(engine: Engine, snap: Snapshot): boolean {
  const b = snap.balances[0];
  if (b === undefined) return false;
  const db = engine.deps.db;
  const own = db.prepare("SELECT value FROM meta WHERE key = 'incarnation_id'").pluck().get();
  const acked = Number(
    db.prepare("SELECT value FROM meta WHERE key = 'sync_last_ack_seq'").pluck().get() ?? 0,
  );
  if (b.incarnation !== own) return false;
  return acked > b.includesEdgeSeqThrough;
}
