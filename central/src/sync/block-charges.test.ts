import {
  IntervalBlockBuilder,
  intervalBlockBodySchema,
  intervalBlockId,
} from '@gridbill/shared/sync';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/helpers/backends.js';
import type { Store } from '../store/index.js';
import type { BlockEvent } from './apply-blocks.js';
import { type BlockCharge, smallMinor, storeBlockCharges } from './block-charges.js';
import { storeChargesOnce } from './charge-days.js';
import type { CurrencySums } from './fresh-charges.js';

const DAY = Date.UTC(2026, 10, 20);
const Q = 900_000;

interface Row {
  meter: number;
  account: number;
  slot: number;
  minor: bigint;
  version: string;
}

/** One block per list of rows (distinct meter × slot within a block), as central parses it. */
function blocksOf(lists: Row[][], currency = 'KES'): BlockEvent[] {
  return lists.map((rows, n) => {
    const b = new IntervalBlockBuilder(currency);
    for (const r of rows) {
      b.addInterval({
        meterId: `m${r.meter}`,
        startMs: DAY + r.slot * Q,
        seconds: 900,
        energyWh: 100 + r.slot,
        quality: 0,
        charge: {
          accountId: `a${r.account}`,
          tariffVersionId: r.version,
          amountMinor: r.minor,
          priceSource: r.slot % 3 === 0 ? 'fallback' : 'tariff',
        },
      });
    }
    const body = b.take();
    const id = intervalBlockId(`gw-${n}`, body);
    const event = { seq: n + 1, eventId: id, occurredAtMs: DAY, clockTrusted: true };
    const parsed = intervalBlockBodySchema.parse(body);
    return { ...event, kind: 'interval-block', body: parsed } as BlockEvent;
  });
}

/** The reference: the same rows as charge objects through `storeChargesOnce`. */
function chargesOf(lists: Row[][], currency = 'KES'): BlockCharge[] {
  return lists.flatMap((rows, block) =>
    rows.map((r) => ({
      meterId: `m${r.meter}`,
      accountId: `a${r.account}`,
      startMs: DAY + r.slot * Q,
      seconds: 900,
      energyWh: 100 + r.slot,
      amountMinor: r.minor,
      tariffVersionId: r.version,
      currency,
      priceSource: r.slot % 3 === 0 ? ('fallback' as const) : ('tariff' as const),
      block,
    })),
  );
}

function sumsOf(fresh: BlockCharge[]): CurrencySums[] {
  const out = new Map<string, CurrencySums>();
  for (const c of fresh) {
    let s = out.get(c.currency);
    if (!s) {
      s = { currency: c.currency, byAccount: new Map(), blocks: new Set(), endMs: 0, n: 0 };
      out.set(c.currency, s);
    }
    s.byAccount.set(c.accountId, (s.byAccount.get(c.accountId) ?? 0n) + c.amountMinor);
    s.blocks.add(c.block);
    s.endMs = Math.max(s.endMs, c.startMs + c.seconds * 1000);
    s.n += 1;
  }
  return [...out.values()];
}

async function rowsOf(store: Store, gatewayId: string) {
  const raw = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const rows = await raw
    .selectFrom('edge_charge_days')
    .select(['meter_id', 'account_id', 'day_start_ms', 'packed'])
    .where('gateway_id', '=', gatewayId)
    .execute();
  return rows
    .map((r) => `${r.meter_id} ${r.account_id} ${r.day_start_ms} ${hex(r.packed as Uint8Array)}`)
    .sort();
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const row = (meter: number, slot: number, minor = 8n, account = meter, version = 'tv-1') => ({
  meter,
  account,
  slot,
  minor,
  version,
});

describe.each(BACKENDS)('block charges from columns on $name', (backend) => {
  let fast: Store;
  let ref: Store;
  let gw = 0;
  beforeAll(async () => {
    if (backend.skip) return;
    fast = await backend.open();
    ref = await backend.open();
  });
  afterAll(async () => {
    await fast?.close();
    await ref?.close();
  });

  /** Applies each step to both stores; checks equal rows and equal fresh sums per step. */
  async function same(steps: Row[][][], currency = 'KES') {
    gw += 1;
    const gatewayId = `gw-${gw}`;
    for (const lists of steps) {
      const got = await fast.db
        .transaction()
        .execute((trx) =>
          storeBlockCharges(
            trx as unknown as Kysely<unknown>,
            gatewayId,
            blocksOf(lists, currency),
          ),
        );
      const want = await ref.db
        .transaction()
        .execute((trx) =>
          storeChargesOnce(
            trx as unknown as Kysely<unknown>,
            gatewayId,
            chargesOf(lists, currency),
          ),
        );
      expect(got.currencies()).toEqual(sumsOf(want));
      expect(await rowsOf(fast, gatewayId)).toEqual(await rowsOf(ref, gatewayId));
    }
  }

  it.skipIf(backend.skip)('stores the same bytes and fresh sums as charge objects', async () => {
    const inOrder = [
      [row(1, 0), row(2, 0)],
      [row(1, 1), row(2, 1, -3n)],
    ];
    // a repeat across blocks, a second account, a late row, a 16-digit amount, a resend
    const mixed = [
      [row(1, 5), row(1, 4)],
      [row(1, 5), row(3, 6, 1n, 9)],
    ];
    const shared = [[row(4, 7), row(4, 8, 2n, 5)]];
    const huge = [[row(5, 1, 10n ** 15n)], [row(5, 2, -(10n ** 17n))]];
    const versions = [[row(6, 1, 1n, 6, 'tv-2'), row(6, 2, 1n, 6, 'tv-1')]];
    await same([inOrder, inOrder, [[row(1, 2), row(1, 0)]], mixed, shared, huge, versions]);
    await same([inOrder, mixed], 'UGX');
    await same([[[row(7, 95)], [row(7, 96)]]]); // across midnight: two meter-days
  });

  it.skipIf(backend.skip || backend.name === 'postgres')(
    'matches charge objects for random batches (SQLite)',
    async () => {
      const rowArb = fc.record({
        meter: fc.integer({ min: 0, max: 3 }),
        account: fc.integer({ min: 0, max: 4 }),
        slot: fc.integer({ min: 0, max: 200 }),
        minor: fc.oneof(
          fc.bigInt({ min: -50n, max: 50n }),
          fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
        ),
        version: fc.constantFrom('tv-1', 'tv-2'),
      });
      const blockArb = fc.uniqueArray(rowArb, {
        selector: (r) => `${r.meter}@${r.slot}`,
        minLength: 1,
        maxLength: 8,
      });
      const stepArb = fc.array(blockArb, { minLength: 1, maxLength: 3 });
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 3 }), (steps) => same(steps)),
        { numRuns: 25 },
      );
    },
  );
});

describe('smallMinor', () => {
  it('reads up to 15 digits exactly, longer amounts are left to bigint', () => {
    expect(smallMinor('0')).toBe(0);
    expect(smallMinor('-120')).toBe(-120);
    expect(smallMinor('999999999999999')).toBe(999_999_999_999_999);
    expect(smallMinor('-999999999999999')).toBe(-999_999_999_999_999);
    expect(smallMinor('1000000000000000')).toBeNull();
  });
});
