import { verifyChain } from '@gridbill/shared/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceMismatches, entriesInOrder, globalSum } from '../../../src/ledger/index.js';
import { deriveChanges } from '../../../src/sync/derive-changes.js';
import { gatewayReport } from '../../../src/sync/rerate/reconcile-report.js';
import { syncDb, syncTrx } from '../../../src/sync/sync-schema.js';
import { reconcileGateway } from '../../../src/sync/rerate/reconcile-gateway.js';
import { type Harness, seedAccount } from '../../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../../helpers/backends.js';
import { batchText, INC_A, postSigned, startSyncHarness } from '../sync-harness.js';
import {
  chargeEvents,
  DAY_26,
  DAY_27,
  daySum,
  dynamicVersion,
  type EdgeRated,
  edgeRate,
  intervalEvents,
  ladderVersion,
  twoDays,
} from './rerate-fixture.js';

const RANGE = { gatewayId: 'gw-1', fromDay: '2026-11-26', toDay: '2026-11-27' };
const res1 = ladderVersion('res-1', '2026-11-01', '21.5');
const res2 = ladderVersion('res-2', '2026-11-27', '23.7');
const res3 = ladderVersion('res-3', '2026-11-27T12:00:00+03:00', '24.1');

async function adjustments(h: Harness) {
  const rows = await h.store.db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_postings', 'ledger_postings.entry_id', 'ledger_entries.id')
    .select(['id', 'reason_code', 'memo', 'ledger_account', 'ledger_postings.amount_minor'])
    .where('kind', '=', 'adjustment')
    .where('ledger_account', 'like', 'receivable:%')
    .orderBy('ledger_entries.seq')
    .execute();
  return rows.map((r) => ({ ...r, amount: BigInt(r.amount_minor) }));
}

async function importTariff(h: Harness, document: unknown) {
  const res = await h.call('admin', 'POST', '/api/tariffs/import', { document });
  if (res.status !== 201) throw new Error(`import: ${JSON.stringify(res.body)}`);
}

async function receivable(h: Harness, accountId: string): Promise<bigint> {
  const row = await h.store.db
    .selectFrom('ledger_balances')
    .select('balance_minor')
    .where('ledger_account', '=', `receivable:${accountId}:energy`)
    .executeTakeFirst();
  return BigInt(row?.balance_minor ?? 0n);
}

describe.each(BACKENDS)('re-rating and reconciliation on $name', (b) => {
  let h: Harness;
  let a: { accountId: string; meterId: string };
  let d: { accountId: string; meterId: string };
  let edgeA: EdgeRated[];
  const run = () =>
    reconcileGateway(
      { reader: h.store.reader, committer: h.ctx.committer, nowMs: h.clock.wallMs() },
      RANGE,
    );

  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    a = await seedAccount(h, 'R-100', 'prepaid');
    d = await seedAccount(h, 'R-200', 'prepaid');
    await importTariff(h, res1);
    for (const [acc, tariffId] of [
      [a, 'res'],
      [d, 'dyn'],
    ] as const) {
      const r = await h.call('clerk', 'POST', `/api/accounts/${acc.accountId}/tariff`, {
        tariffId,
      });
      if (r.status !== 201 && tariffId === 'res') throw new Error(JSON.stringify(r.body));
    }
    edgeA = await edgeRate([res1], a.meterId, twoDays(1));
    const events = [
      ...intervalEvents(1, a.meterId, edgeA),
      ...chargeEvents(193, a.accountId, a.meterId, edgeA),
    ];
    const ack = await postSigned(h, batchText(INC_A, events));
    expect(ack.body.ackedThroughSeq).toBe(384);
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(
    `${backendTitle(b)}: same versions → no adjustment, edge = central`,
    async () => {
      const result = await run();
      expect(result).toMatchObject({ accountDays: 2, adjustmentsPosted: 0, adjustedMinor: 0n });
      expect(result.intervalsDiffering).toBe(0);
      const report = await gatewayReport(h.store.db, 'gw-1', RANGE.fromDay, RANGE.toDay);
      expect(report.map((r) => r.day)).toEqual(['2026-11-26', '2026-11-27']);
      expect(report[0]).toMatchObject({
        edgeTotalMinor: daySum(edgeA, DAY_26),
        centralTotalMinor: daySum(edgeA, DAY_26),
        adjustmentsMinor: 0n,
        intervals: 96,
        intervalsDiffering: 0,
      });
      expect(report[1]!.centralTotalMinor).toBe(report[1]!.edgeTotalMinor);
      expect(daySum(edgeA, DAY_27)).toBeGreaterThan(0n);
      expect(await adjustments(h)).toEqual([]);
    },
  );

  it.skipIf(b.skip)(
    'a version central published late → one adjustment of the difference',
    async () => {
      await importTariff(h, res2);
      const central = await edgeRate([res1, res2], a.meterId, twoDays(1));
      const expected = daySum(central, DAY_27) - daySum(edgeA, DAY_27);
      expect(expected).toBeGreaterThan(0n);
      const result = await run();
      expect(result).toMatchObject({ adjustmentsPosted: 1, adjustedMinor: expected });
      const adj = await adjustments(h);
      expect(adj).toHaveLength(1);
      expect(adj[0]).toMatchObject({ amount: expected, reason_code: 'late-tariff-version' });
      expect(adj[0]!.memo).toContain('re-rating 2026-11-27 gateway gw-1');
      expect(adj[0]!.memo).toContain(edgeA[96]!.startMs > 0 ? 'charges ' : '');
      const report = await gatewayReport(h.store.db, 'gw-1', '2026-11-27', '2026-11-27');
      expect(report[0]).toMatchObject({
        centralTotalMinor: daySum(central, DAY_27),
        adjustmentsMinor: expected,
        intervalsDiffering: 96,
      });
      expect(report[0]!.reasons['late-tariff-version']).toBe(96);
      const day26 = await gatewayReport(h.store.db, 'gw-1', '2026-11-26', '2026-11-26');
      expect(day26[0]!.adjustmentsMinor).toBe(0n);
    },
  );

  it.skipIf(b.skip)('re-running posts nothing (idempotent)', async () => {
    const before = await adjustments(h);
    const again = await run();
    expect(again).toMatchObject({ adjustmentsPosted: 0, adjustedMinor: 0n });
    expect(await adjustments(h)).toEqual(before);
  });

  it.skipIf(b.skip)('a second late version → a second adjustment of the delta only', async () => {
    const [first] = await adjustments(h);
    await importTariff(h, res3);
    const v2 = await edgeRate([res1, res2], a.meterId, twoDays(1));
    const v3 = await edgeRate([res1, res2, res3], a.meterId, twoDays(1));
    const delta = daySum(v3, DAY_27) - daySum(v2, DAY_27);
    expect(delta).toBeGreaterThan(0n);
    const result = await run();
    expect(result).toMatchObject({ adjustmentsPosted: 1, adjustedMinor: delta });
    const adj = await adjustments(h);
    expect(adj).toHaveLength(2);
    expect(adj[0]).toEqual(first);
    expect(adj[1]!.amount).toBe(delta);
    const report = await gatewayReport(h.store.db, 'gw-1', '2026-11-27', '2026-11-27');
    expect(report[0]!.adjustmentsMinor).toBe(daySum(v3, DAY_27) - daySum(edgeA, DAY_27));
    const owed = daySum(v3, DAY_26) + daySum(v3, DAY_27);
    expect(await receivable(h, a.accountId)).toBe(owed);
  });

  it.skipIf(b.skip)(
    'the edge priced offline at the fallback → fallback-price adjustment',
    async () => {
      await importTariff(h, dynamicVersion(96));
      const intervals = twoDays(2);
      // the gateway only had the morning's prices: the afternoon and all of the 26th at fallback
      const edge = await edgeRate([dynamicVersion(48)], d.meterId, intervals);
      const full = await edgeRate([dynamicVersion(96)], d.meterId, intervals);
      const priced = (startMs: number) => startMs >= DAY_27 && startMs < DAY_27 + 48 * 900_000;
      const events = chargeEvents(385, d.accountId, d.meterId, edge, (t) => !priced(t));
      expect((await postSigned(h, batchText(INC_A, events))).body.ackedThroughSeq).toBe(576);
      const expected = daySum(full, DAY_27) - daySum(edge, DAY_27);
      expect(expected).toBeLessThan(0n);
      const result = await run();
      expect(result).toMatchObject({ adjustmentsPosted: 1, adjustedMinor: expected });
      const adj = (await adjustments(h)).filter((r) => r.ledger_account.includes(d.accountId));
      expect(adj).toHaveLength(1);
      expect(adj[0]).toMatchObject({ amount: expected, reason_code: 'fallback-price' });
      const report = await gatewayReport(h.store.db, 'gw-1', '2026-11-27', '2026-11-27');
      expect(report[0]!.reasons['fallback-price']).toBeGreaterThan(40);
      expect(report[0]!.accounts).toBe(2);
    },
  );

  it.skipIf(b.skip)('ledger invariants hold: zero sums, balances, hash chain', async () => {
    expect(await globalSum(h.store.db)).toBe(0n);
    expect(await balanceMismatches(h.store.db)).toEqual([]);
    const entries = [];
    for await (const e of entriesInOrder(h.store.db)) entries.push(e);
    expect(verifyChain(entries).ok).toBe(true);
    for (const e of entries) expect(e.postings.reduce((s, p) => s + p.amountMinor, 0n)).toBe(0n);
  });

  it.skipIf(b.skip)('adjustments reach the gateway feed both ways (debits negative)', async () => {
    await h.ctx.committer.run((trx) => deriveChanges(syncTrx(trx), 'gw-1', h.clock.wallMs()));
    const credits = await syncDb(h.store.db)
      .selectFrom('sync_changes')
      .select('body')
      .where('gateway_id', '=', 'gw-1')
      .where('kind', '=', 'credit')
      .execute();
    const bodies = credits.map((c) => JSON.parse(c.body) as Record<string, string>);
    const all = await adjustments(h);
    const fallback = all.find((r) => r.reason_code === 'fallback-price')!;
    const late = all.filter((r) => r.reason_code === 'late-tariff-version');
    expect(late.length).toBeGreaterThan(0);
    for (const adj of [fallback, ...late]) {
      expect(bodies).toContainEqual(
        expect.objectContaining({
          entryId: adj.id,
          amountMinor: (-adj.amount).toString(),
          source: 'adjustment',
        }),
      );
    }
    expect(late.every((r) => r.amount > 0n)).toBe(true); // debits: negative on the feed
  });
});
