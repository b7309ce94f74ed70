import { contentId } from '@gridbill/shared/ids';
import { type Snapshot, snapshotSchema } from '@gridbill/shared/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineFixture, engineFixture } from '../../test/support/engine-fixture.js';
import { applyFullSnapshot, seedLearnedAccounts, snapshotIsStale } from './apply-snapshot.js';
import { ensureInboxTables, readCheckpoint } from './inbox.js';

const INC = 'inc-test'; // the fixture's incarnation id
const credit = contentId('credit', 1);

function snapshot(balanceMinor: string, includesEdgeSeqThrough: number): Snapshot {
  const snap = snapshotSchema.parse({
    v: 1,
    gatewayId: 'gw-001',
    takenAtMs: 1,
    checkpoint: { feedEpoch: 'e2', cseq: 40 },
    tariffVersions: [],
    accounts: [
      {
        accountId: 'A-NEW',
        currency: 'KES',
        mode: 'prepaid',
        status: 'active',
        tariffId: 'flat',
        version: 3,
      },
    ],
    meters: [],
    balances: ['ACC-1001', 'A-NEW'].map((accountId) => ({
      accountId,
      currency: 'KES',
      balanceMinor,
      includesEdgeSeqThrough,
      incarnation: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
      credits: accountId === 'A-NEW' ? [{ entryId: credit, amountMinor: balanceMinor }] : [],
    })),
    relayOrders: [],
    keys: [],
    redeemedTokenIds: [credit],
  });
  // the fixture's store uses a non-UUID incarnation id; the wire value is a UUID
  for (const b of snap.balances) b.incarnation = INC;
  return snap;
}

describe('snapshot apply', () => {
  let fx: EngineFixture;
  afterEach(() => fx?.close());

  /** Two charges of the gateway in its outbox: seq 1 (-30) and seq 2 (-12), for ACC-1001. */
  const setup = () => {
    fx = engineFixture();
    ensureInboxTables(fx.engine.deps.db);
    fx.engine.transact(() => {
      for (const amountMinor of ['30', '12'])
        fx.engine.outbox.append(
          {
            kind: 'charge',
            eventId: contentId('charge', amountMinor),
            body: { accountId: 'ACC-1001', amountMinor },
          },
          fx.engine.time(),
        );
    });
    return fx.engine;
  };

  it('balance = opening + central + own charges central has not counted', () => {
    const engine = setup();
    // central counted seq 1; opening 1000 lives only on the gateway
    const result = applyFullSnapshot(engine, snapshot('500', 1));
    expect(result).toEqual({ tariffVersions: 0, accounts: 1, seededBalances: 2 });
    expect(engine.balanceOf('ACC-1001')).toBe(1000n + 500n - 12n);
    expect(engine.balanceOf('A-NEW')).toBe(500n);
    expect(engine.accounts.get('A-NEW')).toMatchObject({ tariffId: 'flat', mode: 'prepaid' });
    expect(readCheckpoint(engine.deps.db)).toEqual({ feedEpoch: 'e2', cseq: 40 });
    // the credit it counts can never be credited again (token or feed)
    const redeemed = engine.deps.db.prepare('SELECT token_id FROM redeemed_tokens').pluck();
    expect(redeemed.all()).toEqual([credit]);
  });

  it('pending standing charges count like charges; other balance changes do not', () => {
    const engine = setup();
    engine.transact(() => {
      for (const [entryKind, amountMinor] of [
        ['fixed-fee', '-300'],
        ['token', '700'],
      ] as const)
        engine.outbox.append(
          {
            kind: 'balance-change',
            eventId: contentId('balance-change', entryKind),
            body: { accountId: 'ACC-1001', entryKind, amountMinor },
          },
          engine.time(),
        );
    });
    applyFullSnapshot(engine, snapshot('500', 1));
    expect(engine.balanceOf('ACC-1001')).toBe(1000n + 500n - 12n - 300n);
  });

  it('seeds only the learned accounts, keeps the checkpoint, detects a stale snapshot', () => {
    const engine = setup();
    engine.accounts.set('A-NEW', {
      id: 'A-NEW',
      mode: 'prepaid',
      tariffId: 'flat',
      openingBalanceMinor: 0n,
    });
    const before = engine.balanceOf('ACC-1001');
    expect(seedLearnedAccounts(engine, snapshot('700', 0), new Set(['A-NEW']))).toBe(1);
    expect(engine.balanceOf('A-NEW')).toBe(700n);
    expect(engine.balanceOf('ACC-1001')).toBe(before);
    expect(readCheckpoint(engine.deps.db)).toBeNull();
    // an ack for seq 2 pruned rows a snapshot counting only seq 1 does not include
    engine.deps.db.prepare("INSERT INTO meta (key, value) VALUES ('sync_last_ack_seq', '2')").run();
    expect(snapshotIsStale(engine, snapshot('0', 1))).toBe(true);
    expect(snapshotIsStale(engine, snapshot('0', 2))).toBe(false);
  });
});
