import { localMidnightUtcMs } from '@gridbill/shared/time';
import { compileTariff } from '@gridbill/shared/tariff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usableCheckpoint } from '../../../src/sync/rerate/checkpoint-store.js';
import { reconcileGateway } from '../../../src/sync/rerate/reconcile-gateway.js';
import { type Harness, seedAccount } from '../../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../../helpers/backends.js';
import { batchText, INC_A, postSigned, startSyncHarness } from '../sync-harness.js';
import { chargeEvents, DAY_27, daySum, edgeRate, ladderVersion, ZONE } from './rerate-fixture.js';

const res1 = ladderVersion('res-1', '2026-10-01', '21.5');
const res2 = ladderVersion('res-2', '2026-11-27', '23.7');
const res3 = ladderVersion('res-3', '2026-11-27T12:00:00+03:00', '24.9');
const OCT_20 = localMidnightUtcMs('2026-10-20', ZONE);
const NOV_1 = localMidnightUtcMs('2026-11-01', ZONE);
const DAY27 = { gatewayId: 'gw-1', fromDay: '2026-11-27', toDay: '2026-11-27' };

/** Oct 20 → Nov 27 every 15 minutes, skipping every 7th interval (so a late one can come). */
const intervals = Array.from({ length: 39 * 96 }, (_, i) => ({
  startMs: OCT_20 + i * 900_000,
  energyWh: 30 + ((i * 41) % 250),
})).filter((_, i) => i % 7 !== 3);

describe.each(BACKENDS)('re-rating month checkpoints on $name', (b) => {
  let h: Harness;
  let a: { accountId: string; meterId: string };
  const run = () =>
    reconcileGateway(
      { reader: h.store.reader, committer: h.ctx.committer, nowMs: h.clock.wallMs() },
      DAY27,
    );
  const checkpoint = (versions = [res1]) =>
    usableCheckpoint(
      h.store.db,
      { gatewayId: 'gw-1', accountId: a.accountId, meterId: a.meterId },
      DAY_27,
      compileTariff(versions),
    );

  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    a = await seedAccount(h, 'K-100', 'prepaid');
    const imp = await h.call('admin', 'POST', '/api/tariffs/import', { document: res1 });
    expect(imp.status).toBe(201);
    const as = await h.call('clerk', 'POST', `/api/accounts/${a.accountId}/tariff`, {
      tariffId: 'res',
    });
    expect(as.status).toBe(201);
    const edge = await edgeRate([res1], a.meterId, intervals);
    const ack = await postSigned(
      h,
      batchText(INC_A, chargeEvents(1, a.accountId, a.meterId, edge)),
    );
    expect(ack.body.ackedThroughSeq).toBe(intervals.length);
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: a full replay saves the Nov 1 checkpoint`, async () => {
    expect(await checkpoint()).toBeUndefined();
    expect(await run()).toMatchObject({ accountDays: 1, adjustmentsPosted: 0 });
    const cp = await checkpoint();
    expect(cp?.monthStartMs).toBe(NOV_1);
    expect(cp?.chargesBefore).toBe(intervals.filter((iv) => iv.startMs < NOV_1).length);
    expect(Object.keys(cp?.carry ?? {})).toEqual(['energy']);
  });

  it.skipIf(b.skip)('a resumed replay is exact: late version → exact difference', async () => {
    const imp = await h.call('admin', 'POST', '/api/tariffs/import', { document: res2 });
    expect(imp.status).toBe(201);
    // a version effective after the checkpoint leaves it valid
    expect((await checkpoint([res1, res2]))?.monthStartMs).toBe(NOV_1);
    const edge = await edgeRate([res1], a.meterId, intervals);
    const central = await edgeRate([res1, res2], a.meterId, intervals);
    const expected = daySum(central, DAY_27) - daySum(edge, DAY_27);
    expect(expected).toBeGreaterThan(0n);
    expect(await run()).toMatchObject({ adjustmentsPosted: 1, adjustedMinor: expected });
    expect(await run()).toMatchObject({ adjustmentsPosted: 0 });
  });

  it.skipIf(b.skip)('a late charge before the checkpoint invalidates it', async () => {
    const late = { startMs: OCT_20 + 3 * 900_000, energyWh: 77 };
    const [rated] = await edgeRate([res1], a.meterId, [late]);
    const events = chargeEvents(intervals.length + 1, a.accountId, a.meterId, [rated!]);
    const ack = await postSigned(h, batchText(INC_A, events));
    expect(ack.body.ackedThroughSeq).toBe(intervals.length + 1);
    expect(await checkpoint([res1, res2])).toBeUndefined();
    await run();
    const cp = await checkpoint([res1, res2]);
    expect(cp?.chargesBefore).toBe(intervals.filter((iv) => iv.startMs < NOV_1).length + 1);
  });

  it.skipIf(b.skip)('two concurrent runs post one difference once', async () => {
    const imp = await h.call('admin', 'POST', '/api/tariffs/import', { document: res3 });
    expect(imp.status).toBe(201);
    const [x, y] = await Promise.all([run(), run()]);
    expect(x.adjustmentsPosted + y.adjustmentsPosted).toBe(1);
    const rows = await h.store.db
      .selectFrom('ledger_entries')
      .select(['id', 'external_ref'])
      .where('kind', '=', 'adjustment')
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.external_ref)).toEqual([
      `rerate:${a.accountId}:2026-11-27:1`,
      `rerate:${a.accountId}:2026-11-27:2`,
    ]);
  });
});
