import { contentId } from '@gridbill/shared/ids';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount, T0 } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { syncDb } from '../../src/sync/sync-schema.js';
import { batchText, INC_A, INC_B, postSigned, startSyncHarness } from './sync-harness.js';

/** A standing charge the gateway drew: a `fixed-fee` balance change. */
function feeEvent(seq: number, accountId: string, day: string, amountMinor: bigint) {
  const entryId = contentId('standing-charge', accountId, day, 'flat-1', 'std');
  return {
    seq,
    eventId: entryId,
    occurredAtMs: T0 + seq * 1000,
    clockTrusted: true,
    kind: 'balance-change',
    body: {
      entryId,
      accountId,
      entryKind: 'fixed-fee',
      amountMinor: (-amountMinor).toString(),
      currency: 'KES',
      balanceAfterMinor: '0',
      reference: `standing charge std ${day} (flat-1)`,
    },
  };
}

describe.each(BACKENDS)('standing charges from the gateway on $name', (b) => {
  let h: Harness;
  let accountId: string;
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    ({ accountId } = await seedAccount(h, 'A-400', 'prepaid'));
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  const fees = async () => {
    const row = await syncDb(h.ctx.store.db)
      .selectFrom('ledger_balances')
      .select('balance_minor')
      .where('ledger_account', '=', `receivable:${accountId}:fees`)
      .executeTakeFirst();
    return BigInt(row?.balance_minor ?? 0n);
  };

  it.skipIf(b.skip)(`${backendTitle(b)}: each drawn charge is posted once`, async () => {
    const events = [
      feeEvent(1, accountId, '2026-03-02', 300n),
      feeEvent(2, accountId, '2026-03-03', 300n),
    ];
    const first = await postSigned(h, batchText(INC_A, events));
    expect(first.status).toBe(200);
    expect(await fees()).toBe(600n);
    // the same events again, and under a new incarnation (a resend after a restore): no double
    await postSigned(h, batchText(INC_A, events));
    expect(await fees()).toBe(600n);
    const resent = await postSigned(h, batchText(INC_B, events));
    expect(resent.status).toBe(200);
    expect(await fees()).toBe(600n);
    const entries = await syncDb(h.ctx.store.db)
      .selectFrom('ledger_entries')
      .select('id')
      .where(
        'id',
        'in',
        events.map((e) => e.eventId),
      )
      .execute();
    expect(entries).toHaveLength(2);
  });
});
