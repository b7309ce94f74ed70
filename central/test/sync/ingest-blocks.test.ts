import { contentId } from '@gridbill/shared/ids';
import {
  eventContentHash,
  IntervalBlockBuilder,
  intervalBlockId,
  packIntervalBlock,
} from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount } from '../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../helpers/backends.js';
import { countEdgeCharges } from '../../src/sync/edge-charge-source.js';
import { loadBlockFacts } from '../../src/sync/block-facts.js';
import { readIntervalDay, syncDb } from '../../src/sync/index.js';
import {
  batchText,
  INC_A,
  INC_B,
  intervalEvent,
  postSigned,
  startSyncHarness,
  type WireEvent,
} from './sync-harness.js';

const DAY = Date.UTC(2026, 10, 20);
const Q = 900_000;

interface Row {
  meterId: string;
  accountId: string;
  startMs: number;
  wh: number;
  minor: bigint;
}

/**
 * A block event as a gateway sends it: packed (after `tweak` edits its columns), or with
 * `form` 'json' as JSON columns (what gateways sent before the packed form).
 */
function blockEvent(
  seq: number,
  rows: Row[],
  tweak?: (b: Record<string, unknown>) => void,
  form: 'packed' | 'json' = 'packed',
) {
  const b = new IntervalBlockBuilder('KES');
  for (const r of rows) {
    b.addInterval({
      meterId: r.meterId,
      startMs: r.startMs,
      seconds: 900,
      energyWh: r.wh,
      quality: 0,
      charge: {
        accountId: r.accountId,
        tariffVersionId: 'tv-1',
        amountMinor: r.minor,
        priceSource: 'tariff',
      },
    });
    b.addRead({
      meterId: r.meterId,
      register: 'importWh',
      capturedAtMs: r.startMs + Q,
      valueWh: 10_000 + r.startMs / Q,
      quality: 0,
    });
    b.noteBalance(r.accountId, -r.minor, 0n);
  }
  const body = b.take();
  const eventId = intervalBlockId('gw-1', body);
  tweak?.(body as unknown as Record<string, unknown>);
  const sent = form === 'packed' ? packIntervalBlock(body) : body;
  return {
    seq,
    eventId,
    occurredAtMs: DAY + Q,
    clockTrusted: true,
    kind: 'interval-block',
    body: sent as unknown as Record<string, unknown>,
  } satisfies WireEvent;
}

/** A per-fact charge event with the kernel's charge id (what a block row derives). */
function chargeFact(seq: number, r: Row): WireEvent {
  const id = chargeId(r.meterId, r.startMs, 'tv-1');
  return {
    seq,
    eventId: id,
    occurredAtMs: r.startMs + Q,
    clockTrusted: true,
    kind: 'charge',
    body: {
      chargeId: id,
      accountId: r.accountId,
      meterId: r.meterId,
      intervalStartMs: r.startMs,
      intervalSeconds: 900,
      energyWh: r.wh,
      amountMinor: r.minor.toString(),
      currency: 'KES',
      tariffVersionId: 'tv-1',
      priceSource: 'tariff',
    },
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

async function count(h: Harness, table: string): Promise<number> {
  const db = syncDb(h.store.db);
  const row = await db
    .selectFrom(table as 'sync_alarms')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function snapshot(h: Harness) {
  const tables = ['ledger_entries', 'edge_charge_days', 'interval_days', 'edge_facts'];
  const counts = await Promise.all(tables.map(async (t) => [t, await count(h, t)]));
  const charges = await countEdgeCharges(syncDb(h.store.db));
  return { ...Object.fromEntries(counts), edge_charges: charges };
}

async function dayValues(h: Harness, meterId: string) {
  const day = await readIntervalDay(syncDb(h.store.db), meterId, 0, DAY);
  return { wh: Array.from(day?.valuesWh ?? []), flags: Array.from(day?.flags ?? []) };
}

describe.each(BACKENDS)('central ingest of interval blocks on $name', (b) => {
  let h: Harness;
  let a: { meterId: string; accountId: string };
  let c: { meterId: string; accountId: string };
  const rowsOf = (x: { meterId: string; accountId: string }, n: number, from = 0): Row[] =>
    Array.from({ length: n }, (_, i) => ({
      ...x,
      startMs: DAY + (from + i) * Q,
      wh: 100 + ((from + i) % 7),
      minor: BigInt(2 + ((from + i) % 3)),
    }));
  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    a = await seedAccount(h, 'A-200', 'prepaid');
    c = await seedAccount(h, 'A-201', 'prepaid');
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: a block applied twice changes nothing`, async () => {
    const rows = rowsOf(a, 4);
    const first = await postSigned(h, batchText(INC_A, [blockEvent(1, rows)]));
    expect(first.body).toMatchObject({ action: 'continue', ackedThroughSeq: 1, quarantined: [] });
    const total = rows.reduce((s, r) => s + r.minor, 0n);
    expect(await receivable(h, a.accountId)).toBe(total);
    expect((await dayValues(h, a.meterId)).wh.slice(0, 5)).toEqual([100, 101, 102, 103, 0]);
    const before = await snapshot(h);
    expect(before.edge_charges).toBe(4);
    // the register reads are kept with the block, columnar, in one row
    const kept = await loadBlockFacts(syncDb(h.store.db), blockEvent(1, rows).eventId);
    if (!kept) throw new Error('no edge_facts row for the block');
    expect(kept.meterIds).toEqual([a.meterId]);
    // a row written before the packed form (JSON columns inline) reads back as it was stored
    const old = { intervals: 1, meterIds: ['m-old'], registers: ['importWh'], reads: kept.reads };
    await syncDb(h.store.db)
      .insertInto('edge_facts')
      .values({
        event_id: 'old-block',
        gateway_id: 'gw-1',
        kind: 'interval-block',
        body: JSON.stringify(old),
        occurred_at_ms: BigInt(DAY),
      })
      .execute();
    expect(await loadBlockFacts(syncDb(h.store.db), 'old-block')).toEqual(old);
    await syncDb(h.store.db).deleteFrom('edge_facts').where('event_id', '=', 'old-block').execute();
    expect(kept.reads.capturedAtMs).toEqual(rows.map((r) => r.startMs + Q));
    expect(kept.balances.amountMinor).toEqual([(-total).toString()]);
    const again = await postSigned(h, batchText(INC_A, [blockEvent(1, rows)]));
    expect(again.body).toMatchObject({ ackedThroughSeq: 1, duplicateSeqs: [1] });
    // the same block id under a new incarnation (a re-imaged gateway resending): a no-op
    const moved = await postSigned(h, batchText(INC_B, [blockEvent(1, rows)]));
    expect(moved.body).toMatchObject({ ackedThroughSeq: 1, quarantined: [] });
    // the same block as JSON columns (an older gateway's form): the same content, a duplicate
    const json = await postSigned(h, batchText(INC_B, [blockEvent(1, rows, undefined, 'json')]));
    expect(json.body).toMatchObject({ ackedThroughSeq: 1, duplicateSeqs: [1] });
    expect(await snapshot(h)).toEqual(before);
    expect(await receivable(h, a.accountId)).toBe(total);
  });

  it.skipIf(b.skip)('a block id seen before with other content is divergent', async () => {
    const rows = rowsOf(a, 4);
    const before = await snapshot(h);
    const alarms = await count(h, 'sync_alarms');
    const other = blockEvent(2, rows, (body) => {
      (body.intervals as { amountMinor: string[] }).amountMinor[0] = '99';
    });
    const res = await postSigned(h, batchText(INC_B, [other]));
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ ackedThroughSeq: 2 });
    expect(res.body.quarantined).toEqual([
      {
        seq: 2,
        reason:
          `seq 2 (interval-block): block ${other.eventId} was applied before ` +
          'with other content (divergent)',
      },
    ]);
    expect(await count(h, 'sync_alarms')).toBe(alarms + 1);
    expect(await snapshot(h)).toEqual(before);
  });

  it.skipIf(b.skip)('per-fact events and blocks ingest identically; no charge twice', async () => {
    // account A-200 gets rows 8..11 as old per-fact events, A-201 the same values as a block;
    // then one batch mixes a block that repeats a per-fact charge with new rows
    const oldRows = rowsOf(a, 4, 8);
    const newRows = rowsOf(c, 4, 8);
    const facts: WireEvent[] = [];
    for (const r of oldRows) {
      const iv = intervalEvent(facts.length + 3, r.meterId, r.startMs, r.wh);
      facts.push(iv, chargeFact(facts.length + 4, r));
    }
    const before = { a: await receivable(h, a.accountId), c: await receivable(h, c.accountId) };
    const mixed = [...facts, blockEvent(3 + facts.length, newRows)];
    const res = await postSigned(h, batchText(INC_B, mixed));
    expect(res.body).toMatchObject({ ackedThroughSeq: 2 + mixed.length, quarantined: [] });
    const da = await dayValues(h, a.meterId);
    const dc = await dayValues(h, c.meterId);
    expect(da.wh.slice(8, 12)).toEqual(dc.wh.slice(8, 12));
    expect(da.flags.slice(8, 12)).toEqual(dc.flags.slice(8, 12));
    const sum = oldRows.reduce((s, r) => s + r.minor, 0n);
    expect(await receivable(h, a.accountId)).toBe(before.a + sum);
    expect(await receivable(h, c.accountId)).toBe(before.c + sum);
    // a block repeating A-200's per-fact charge (row 8) plus a new row 12: only row 12 posts
    const repeat = blockEvent(3 + mixed.length, [oldRows[0]!, ...rowsOf(a, 1, 12)]);
    const next = await postSigned(h, batchText(INC_B, [repeat]));
    expect(next.body.quarantined).toEqual([]);
    const row12 = rowsOf(a, 1, 12)[0]!.minor;
    expect(await receivable(h, a.accountId)).toBe(before.a + sum + row12);
  });

  it.skipIf(b.skip)('refuses a block with a foreign meter or a bad column, and acks', async () => {
    const before = await snapshot(h);
    const foreign = blockEvent(13, [{ ...a, meterId: 'm-other', startMs: DAY, wh: 1, minor: 1n }]);
    const bad = blockEvent(
      14,
      rowsOf(a, 2, 30),
      (body) => {
        (body.intervals as { energyWh: number[] }).energyWh[1] = 1.5;
      },
      'json',
    );
    const res = await postSigned(h, batchText(INC_B, [foreign, bad], 14));
    expect(res.body.quarantined).toEqual([
      { seq: 13, reason: 'seq 13 (interval-block): meter m-other is not assigned to gateway gw-1' },
      {
        seq: 14,
        reason:
          'seq 14 (interval-block): body.intervals.energyWh.1: row 1: energyWh must be a safe ' +
          'integer, got 1.5',
      },
    ]);
    expect(await snapshot(h)).toEqual(before);
  });

  it.skipIf(b.skip)('one ledger entry per batch; a charge past int64 is refused', async () => {
    const entries = await count(h, 'ledger_entries');
    const before = { a: await receivable(h, a.accountId), c: await receivable(h, c.accountId) };
    const b1 = blockEvent(15, [...rowsOf(a, 2, 40), ...rowsOf(c, 1, 40)]);
    const b2 = blockEvent(16, [...rowsOf(a, 1, 42), ...rowsOf(a, 1, 40)]);
    const huge = chargeFact(17, { ...rowsOf(c, 1, 50)[0]!, minor: 2n ** 63n });
    const wide = chargeFact(18, rowsOf(c, 1, 51)[0]!);
    (wide.body as { intervalSeconds: number }).intervalSeconds = 2 ** 32;
    const res = await postSigned(h, batchText(INC_B, [b1, b2, huge, wide], 18));
    expect(res.body.quarantined).toEqual([
      {
        seq: 17,
        reason: 'seq 17 (charge): amountMinor 9223372036854775808 does not fit in 64 bits',
      },
      {
        seq: 18,
        reason: 'seq 18 (charge): intervalSeconds 4294967296 does not fit in 32 bits',
      },
    ]);
    expect(await count(h, 'ledger_entries')).toBe(entries + 1);
    const sumA = [...rowsOf(a, 2, 40), ...rowsOf(a, 1, 42)].reduce((s, r) => s + r.minor, 0n);
    expect(await receivable(h, a.accountId)).toBe(before.a + sumA);
    expect(await receivable(h, c.accountId)).toBe(before.c + rowsOf(c, 1, 40)[0]!.minor);
    const entry = await h.store.db
      .selectFrom('ledger_entries')
      .select(['id', 'effective_at_ms'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const ids = [b1.eventId, b2.eventId];
    expect(entry.id).toBe(contentId('gridbill.edge-batch-charge', 'KES', ...ids));
    expect(Number(entry.effective_at_ms)).toBe(DAY + 43 * Q);
  });

  it.skipIf(b.skip)('hashes stored before v2 block hashing (v1) still reconcile', async () => {
    const block = blockEvent(19, rowsOf(a, 4, 60), undefined, 'json');
    const first = await postSigned(h, batchText(INC_B, [block]));
    expect(first.body).toMatchObject({ ackedThroughSeq: 19, quarantined: [] });
    // the rows a central before the v2 block hash wrote: canonical-JSON (v1) hashes
    const v1 = eventContentHash({ ...block, body: block.body });
    const db = syncDb(h.store.db);
    await db
      .updateTable('sync_applied_events')
      .set({ hash: v1 })
      .where('event_id', '=', block.eventId)
      .execute();
    const runs = await db
      .updateTable('sync_hash_runs')
      .set({ hashes: Buffer.from(v1, 'hex') })
      .where('incarnation', '=', INC_B)
      .where('from_seq', '=', 19n)
      .executeTakeFirst();
    expect(Number(runs.numUpdatedRows)).toBe(1);
    const before = await snapshot(h);
    const resend = await postSigned(h, batchText(INC_B, [block]));
    expect(resend.body).toMatchObject({ duplicateSeqs: [19], divergentSeqs: [] });
    // the gateway upgraded: the same block now comes packed, and is still the same content
    const packed = { ...block, body: packIntervalBlock(block.body as never) };
    const upgraded = await postSigned(h, batchText(INC_B, [packed]));
    expect(upgraded.body).toMatchObject({ duplicateSeqs: [19], divergentSeqs: [] });
    const again = await postSigned(h, batchText(INC_B, [{ ...block, seq: 20 }]));
    expect(again.body).toMatchObject({ ackedThroughSeq: 20, quarantined: [] });
    const changed = blockEvent(21, rowsOf(a, 4, 60), (body) => {
      (body.intervals as { energyWh: number[] }).energyWh[0] = 7;
    });
    const third = await postSigned(h, batchText(INC_B, [changed]));
    expect(third.body.quarantined).toHaveLength(1);
    expect(third.body.quarantined[0].reason).toContain('with other content (divergent)');
    expect(await snapshot(h)).toEqual(before);
    const reused = await postSigned(h, batchText(INC_B, [{ ...changed, seq: 19 }], 21));
    expect(reused.body).toMatchObject({ action: 'new-incarnation', divergentSeqs: [19] });
  });

  it.skipIf(b.skip || b.name !== 'postgres')('compresses edge_facts bodies with lz4', async () => {
    const r = await sql<{ c: string }>`select attcompression as c from pg_attribute
      where attrelid = 'edge_facts'::regclass and attname = 'body'`.execute(h.store.db);
    expect(r.rows[0]?.c).toBe('l');
  });

  it.skipIf(b.skip)(
    'refuses energy beyond a packed day and the missing flag, and acks',
    async () => {
      const before = await snapshot(h);
      // beyond what a packed day stores, and the store's own 'missing' mark: quarantined, not a
      // failed request (the gateway would resend it forever)
      const huge = blockEvent(22, rowsOf(a, 2, 70), (body) => {
        (body.intervals as { energyWh: number[] }).energyWh[0] = 2 ** 31;
      });
      const missing = blockEvent(23, rowsOf(a, 2, 71), (body) => {
        (body.intervals as { quality: number[] }).quality[1] = 1;
      });
      const res = await postSigned(h, batchText(INC_B, [huge, missing], 23));
      expect(res.body).toMatchObject({ ackedThroughSeq: 23 });
      expect(res.body.quarantined).toEqual([
        {
          seq: 22,
          reason:
            'seq 22 (interval-block): body.intervals.energyWh.0: row 0: energyWh must be in ' +
            '-2147483648..2147483647, got 2147483648',
        },
        {
          seq: 23,
          reason:
            'seq 23 (interval-block): body.intervals.quality.1: row 1: quality must be flag bits ' +
            "in 0..255 without 'missing', got 1",
        },
      ]);
      expect(await snapshot(h)).toEqual(before);
    },
  );

  it.skipIf(b.skip)(
    'a per-fact charge and a block of the same meter-day in ONE batch',
    async () => {
      const before = await snapshot(h);
      const receivableBefore = await receivable(h, a.accountId);
      const rows = rowsOf(a, 3, 90);
      const fact = chargeFact(24, rows[0]!);
      // the block repeats the per-fact charge (row 90) and adds rows 91 and 92
      const res = await postSigned(h, batchText(INC_B, [fact, blockEvent(25, rows)], 25));
      expect(res.body).toMatchObject({ ackedThroughSeq: 25, quarantined: [] });
      const after = await snapshot(h);
      expect(after.edge_charges).toBe(before.edge_charges + 3);
      const sum = rows.reduce((s, r) => s + r.minor, 0n);
      expect(await receivable(h, a.accountId)).toBe(receivableBefore + sum);
    },
  );

  it.skipIf(b.skip)(
    'quarantines a block with broken packed bytes, applies the rest of the batch',
    async () => {
      const before = await snapshot(h);
      const receivableBefore = await receivable(h, a.accountId);
      const good = blockEvent(26, rowsOf(a, 2, 80));
      const broken = blockEvent(27, rowsOf(a, 2, 82));
      const body = broken.body as { packed: string };
      const bytes = Buffer.from(body.packed, 'base64');
      body.packed = bytes.subarray(0, bytes.length - 1).toString('base64');
      const res = await postSigned(h, batchText(INC_B, [good, broken], 27));
      expect(res.body).toMatchObject({ ackedThroughSeq: 27 });
      expect(res.body.quarantined).toEqual([
        {
          seq: 27,
          reason:
            `seq 27 (interval-block): body.packed: packed byte ${bytes.length - 1} ` +
            '(balances row 0): the bytes end inside a value',
        },
      ]);
      const after = await snapshot(h);
      expect(after.edge_charges).toBe(before.edge_charges + 2);
      expect(after.edge_facts).toBe(before.edge_facts + 1);
      const sum = rowsOf(a, 2, 80).reduce((s, r) => s + r.minor, 0n);
      expect(await receivable(h, a.accountId)).toBe(receivableBefore + sum);
      expect(await count(h, 'sync_quarantine')).toBeGreaterThanOrEqual(1);
    },
  );
});
