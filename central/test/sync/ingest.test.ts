import { contentId } from '@gridbill/shared/ids';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount, T0 } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { readIntervalDay, syncDb } from '../../src/sync/index.js';
import {
  batchText,
  chargeEvent,
  INC_A,
  INC_B,
  intervalEvent,
  postSigned,
  startSyncHarness,
} from './sync-harness.js';

const DAY = Date.UTC(2026, 10, 27);

async function counts(h: Harness) {
  const db = syncDb(h.store.db);
  const n = async (t: 'ledger_entries' | 'interval_days' | 'sync_quarantine' | 'sync_alarms') =>
    Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<bigint>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    entries: await n('ledger_entries'),
    days: await n('interval_days'),
    quarantine: await n('sync_quarantine'),
    alarms: await n('sync_alarms'),
  };
}

async function receivable(h: Harness, accountId: string): Promise<bigint> {
  const row = await h.store.db
    .selectFrom('ledger_balances')
    .select('balance_minor')
    .where('ledger_account', '=', `receivable:${accountId}:energy`)
    .executeTakeFirst();
  return BigInt(row?.balance_minor ?? 0n);
}

describe.each(BACKENDS)('central upstream ingest on $name', (b) => {
  let h: Harness;
  let meterId: string;
  let accountId: string;
  const events = () => [
    intervalEvent(1, meterId, DAY, 412),
    chargeEvent(2, accountId, meterId, DAY, 8n),
    intervalEvent(3, meterId, DAY + 900_000, 300),
    chargeEvent(4, accountId, meterId, DAY + 900_000, 6n),
  ];
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    ({ meterId, accountId } = await seedAccount(h, 'A-100', 'prepaid'));
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: applies a batch once, then acks duplicates`, async () => {
    const first = await postSigned(h, batchText(INC_A, events()));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ action: 'continue', ackedThroughSeq: 4, duplicateSeqs: [] });
    expect(await receivable(h, accountId)).toBe(14n);
    const day = await readIntervalDay(syncDb(h.store.db), meterId, 0, DAY);
    expect(Array.from(day!.valuesWh.slice(0, 3))).toEqual([412, 300, 0]);
    expect(Array.from(day!.flags.slice(0, 3))).toEqual([0, 0, 1]);
    const before = await counts(h);
    const again = await postSigned(h, batchText(INC_A, events()));
    expect(again.body).toMatchObject({ ackedThroughSeq: 4, duplicateSeqs: [1, 2, 3, 4] });
    expect(await counts(h)).toEqual(before);
    expect(await receivable(h, accountId)).toBe(14n);
  });

  it.skipIf(b.skip)('quarantines a foreign meter and a poison event, and still acks', async () => {
    const foreign = intervalEvent(5, 'm-other', DAY, 10);
    const poison = { ...intervalEvent(6, meterId, DAY + 1_800_000, 5), body: { meterId } };
    const res = await postSigned(h, batchText(INC_A, [foreign, poison as never]));
    expect(res.body.ackedThroughSeq).toBe(6);
    expect(res.body.quarantined.map((q: { seq: number }) => q.seq)).toEqual([5, 6]);
    expect(res.body.quarantined[0].reason).toBe(
      'seq 5 (interval): meter m-other is not assigned to gateway gw-1',
    );
    expect((await counts(h)).quarantine).toBe(2);
  });

  it.skipIf(b.skip)('refuses gaps, divergence and bad auth without changing anything', async () => {
    const before = await counts(h);
    const gap = await postSigned(h, batchText(INC_A, [intervalEvent(9, meterId, DAY, 1)]));
    expect(gap.body).toMatchObject({ action: 'resend-from', expectedNextSeq: 7 });
    const other = intervalEvent(2, meterId, DAY + 2_700_000, 99);
    const div = await postSigned(h, batchText(INC_A, [other], 6));
    expect(div.body).toMatchObject({ action: 'new-incarnation', divergentSeqs: [2] });
    const text = batchText(INC_A, [intervalEvent(7, meterId, DAY + 3_600_000, 1)]);
    const wrongPath = await postSigned(h, text, { pathGateway: 'gw-2' });
    expect(wrongPath.status).toBe(403);
    const stale = await postSigned(h, text, { timeMs: T0 - 3_600_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toMatch(/more than 300000 ms off/);
    const broken = await postSigned(h, '{"v":1,"gatewayId":"gw-1"}');
    expect(broken.status).toBe(400);
    const after = await counts(h);
    expect(after).toEqual({ ...before, alarms: before.alarms + 1 });
  });

  it.skipIf(b.skip)(
    'a new incarnation re-sends facts as no-ops; the old one is retired',
    async () => {
      const before = await counts(h);
      const resent = events().map((e) => ({ ...e }));
      const res = await postSigned(h, batchText(INC_B, resent));
      expect(res.body).toMatchObject({
        incarnation: INC_B,
        ackedThroughSeq: 4,
        action: 'continue',
      });
      expect(await counts(h)).toEqual(before);
      expect(await receivable(h, accountId)).toBe(14n);
      const old = await postSigned(h, batchText(INC_A, [intervalEvent(7, meterId, DAY, 1)]));
      expect(old.body.action).toBe('new-incarnation');
      const regression = await postSigned(h, batchText(INC_B, events().slice(0, 2), 2));
      expect(regression.body.action).toBe('new-incarnation');
      const lag = await h.call('auditor', 'GET', '/api/sync/lag');
      expect(lag.body).toMatchObject([
        { gatewayId: 'gw-1', incarnation: INC_B, ackedThroughSeq: 4, lastContactMs: T0 },
      ]);
      const metrics = await fetch(`${h.server.url}/sync/v1/metrics`).then((r) => r.text());
      expect(metrics).toContain('gridbill_sync_acked_seq{gateway="gw-1"} 4');
      const page = await fetch(`${h.server.url}/ui/sync`, {
        headers: { cookie: `gb_session=${h.tokens.auditor}` },
      }).then((r) => r.text());
      expect(page).toMatch(/<td>gw-1<\/td><td>4<\/td><td>0<\/td>/);
    },
  );
});

describe.each(BACKENDS)('intervals a merge does not store, on $name', (b) => {
  let h: Harness;
  let meterId: string;
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    ({ meterId } = await seedAccount(h, 'A-300', 'prepaid'));
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)('alarm once: another actual value for a slot, another length', async () => {
    await postSigned(h, batchText(INC_A, [intervalEvent(1, meterId, DAY, 412)]));
    const other = { ...intervalEvent(2, meterId, DAY, 500), eventId: contentId('other-value') };
    const longer = intervalEvent(3, meterId, DAY + 3_600_000, 90);
    longer.body.intervalSeconds = 1_800;
    const batch = batchText(INC_A, [other, longer], 3);
    const res = await postSigned(h, batch);
    expect(res.body).toMatchObject({ ackedThroughSeq: 3, quarantined: [] });
    const alarms = await syncDb(h.store.db)
      .selectFrom('sync_alarms')
      .select(['kind', 'detail'])
      .orderBy('kind')
      .execute();
    expect(alarms).toEqual([
      {
        kind: 'interval-conflict',
        detail:
          `meter ${meterId}, 2026-11-27: 1 interval(s) with another actual value (first ` +
          '2026-11-27T00:00:00.000Z: stored 412 Wh, incoming 500 Wh); the stored values kept',
      },
      {
        kind: 'interval-length-mismatch',
        detail:
          `meter ${meterId}, 2026-11-27: 1 interval(s) of another length than the stored ` +
          "day's (first 2026-11-27T01:00:00.000Z: 1800 s); not stored",
      },
    ]);
    const day = await readIntervalDay(syncDb(h.store.db), meterId, 0, DAY);
    expect(day?.valuesWh[0]).toBe(412); // the stored value kept
    // the same batch again: duplicates, no new alarm
    await postSigned(h, batch);
    expect((await counts(h)).alarms).toBe(2);
  });
});
