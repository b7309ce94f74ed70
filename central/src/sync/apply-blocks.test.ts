import { verifyChain } from '@gridbill/shared/ledger';
import {
  IntervalBlockBuilder,
  intervalBlockBodySchema,
  intervalBlockId,
} from '@gridbill/shared/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/helpers/backends.js';
import { balanceMismatches, entriesInOrder, globalSum } from '../ledger/index.js';
import type { Store } from '../store/index.js';
import { applyBlocks, type BlockEvent } from './apply-blocks.js';

const DAY = Date.UTC(2026, 10, 20);
const Q = 900_000;

type Row = { meterId: string; accountId: string; startMs: number; minor: bigint };

/** A block as central sees it after parsing (money columns stay decimal text). */
function block(rows: Row[]): BlockEvent {
  const b = new IntervalBlockBuilder('KES');
  for (const r of rows) {
    const charge = { accountId: r.accountId, tariffVersionId: 'tv-1', amountMinor: r.minor };
    b.addInterval({
      meterId: r.meterId,
      startMs: r.startMs,
      seconds: 900,
      energyWh: 100,
      quality: 0,
      charge: { ...charge, priceSource: 'tariff' },
    });
  }
  const body = b.take();
  const event = { seq: 1, eventId: intervalBlockId('gw-1', body), occurredAtMs: DAY + Q };
  const parsed = intervalBlockBodySchema.parse(body);
  return { ...event, clockTrusted: true, kind: 'interval-block', body: parsed } as BlockEvent;
}

async function entries(store: Store) {
  const out = [];
  for await (const e of entriesInOrder(store.db)) out.push(e);
  return out;
}

describe.each(BACKENDS)('interval block ledger entry on $name', (backend) => {
  let store: Store;
  const apply = (events: BlockEvent[]) =>
    store.db.transaction().execute((trx) => applyBlocks(trx, 'gw-1', events, DAY + 2 * Q));
  const a1 = { meterId: 'm1', accountId: 'a1' };
  const a2 = { meterId: 'm2', accountId: 'a2' };
  const first = block([
    { ...a1, startMs: DAY, minor: 8n },
    { ...a1, startMs: DAY + Q, minor: 2n },
    { ...a2, startMs: DAY, minor: 5n },
  ]);
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it.skipIf(backend.skip)(
    'posts ONE entry per block: a posting per account + revenue',
    async () => {
      expect(await apply([first])).toBe(1);
      const [entry, ...rest] = await entries(store);
      expect(rest).toEqual([]);
      expect(entry?.effectiveAtMs).toBe(DAY + 2 * Q);
      expect(entry?.postings).toEqual([
        { account: 'receivable:a1:energy', amountMinor: 10n },
        { account: 'receivable:a2:energy', amountMinor: 5n },
        { account: 'revenue:energy', amountMinor: -15n },
      ]);
      expect(await balanceMismatches(store.db)).toEqual([]);
      expect(await globalSum(store.db)).toBe(0n);
    },
  );

  it.skipIf(backend.skip)(
    'a replay posts nothing; a later block posts its new charges',
    async () => {
      expect(await apply([first])).toBe(0);
      const later = block([
        { ...a1, startMs: DAY + Q, minor: 2n }, // already stored by the first block
        { ...a2, startMs: DAY + Q, minor: 7n },
      ]);
      expect(await apply([later])).toBe(1);
      const all = await entries(store);
      expect(all.map((e) => e.postings.length)).toEqual([3, 2]);
      expect(all[1]?.postings.map((p) => p.amountMinor)).toEqual([7n, -7n]);
      expect(verifyChain(all)).toMatchObject({ ok: true, count: 2 });
      expect(await balanceMismatches(store.db)).toEqual([]);
      expect(await globalSum(store.db)).toBe(0n);
    },
  );
});
