import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlockColumns,
  BlockPackingError,
  packBlockColumns,
  unpackBlockColumns,
  unpackReadsAndBalances,
} from './block-packing.js';
import { intervalBlockBodySchema, packIntervalBlock } from './interval-block.js';
import { IntervalBlockBuilder } from './interval-block-builder.js';
import { describeIssues } from './parse-batch.js';

const EXAMPLE: BlockColumns = {
  intervals: {
    meter: [0],
    startMs: [900_000],
    seconds: [900],
    energyWh: [412],
    quality: [0],
    account: [0],
    tariffVersion: [0],
    amountMinor: ['8'],
    priceSource: [0],
  },
  reads: { meter: [], register: [], capturedAtMs: [], valueWh: [], quality: [] },
  balances: { account: [0], amountMinor: ['-8'], balanceAfterMinor: ['992'] },
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replaceAll(' ', ''), 'hex'));

const MAX_MS = 8.64e15;
const money = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }).map(String),
);
const safe = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** Random columns inside the ranges `checkBlockColumns` accepts (no "-0" money text). */
const columnsArb: fc.Arbitrary<BlockColumns> = fc
  .record({
    n: fc.nat({ max: 40 }),
    r: fc.nat({ max: 20 }),
    a: fc.nat({ max: 10 }),
  })
  .chain(({ n, r, a }) =>
    fc.record({
      intervals: fc.record({
        meter: fc.array(fc.nat({ max: 5000 }), { minLength: n, maxLength: n }),
        startMs: fc.array(fc.integer({ min: 0, max: MAX_MS }), { minLength: n, maxLength: n }),
        seconds: fc.array(fc.constantFrom(300, 900, 1800, 3600), { minLength: n, maxLength: n }),
        energyWh: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
          minLength: n,
          maxLength: n,
        }),
        quality: fc.array(fc.nat({ max: 255 }), { minLength: n, maxLength: n }),
        account: fc.array(fc.integer({ min: -1, max: 5000 }), { minLength: n, maxLength: n }),
        tariffVersion: fc.array(fc.integer({ min: -1, max: 50 }), { minLength: n, maxLength: n }),
        amountMinor: fc.array(money, { minLength: n, maxLength: n }),
        priceSource: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: n, maxLength: n }),
      }),
      reads: fc.record({
        meter: fc.array(fc.nat({ max: 5000 }), { minLength: r, maxLength: r }),
        register: fc.array(fc.nat({ max: 63 }), { minLength: r, maxLength: r }),
        capturedAtMs: fc.array(fc.integer({ min: 0, max: MAX_MS }), {
          minLength: r,
          maxLength: r,
        }),
        valueWh: fc.array(safe, { minLength: r, maxLength: r }),
        quality: fc.array(fc.nat({ max: 255 }), { minLength: r, maxLength: r }),
      }),
      balances: fc.record({
        account: fc.array(fc.nat({ max: 5000 }), { minLength: a, maxLength: a }),
        amountMinor: fc.array(money, { minLength: a, maxLength: a }),
        balanceAfterMinor: fc.array(money, { minLength: a, maxLength: a }),
      }),
    }),
  );

function packingError(bytes: Uint8Array): string {
  try {
    unpackBlockColumns(bytes);
  } catch (error) {
    if (error instanceof BlockPackingError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('block-packing', () => {
  it('packs the example to the documented bytes and back', () => {
    const { packed, readsAt } = packBlockColumns(EXAMPLE);
    expect(hex(packed)).toBe('01010001' + '00c0ee6d880eb8060000001000' + '0011c00f');
    expect(readsAt).toBe(17);
    expect(unpackBlockColumns(packed)).toEqual({ ...EXAMPLE, readsAt: 17 });
  });

  it('round-trips any columns in range, and the bytes are canonical', () => {
    fc.assert(
      fc.property(columnsArb, (columns) => {
        const { packed, readsAt } = packBlockColumns(columns);
        const back = unpackBlockColumns(packed);
        expect(back).toEqual({ ...columns, readsAt });
        expect(hex(packBlockColumns(back).packed)).toBe(hex(packed));
        const tail = unpackReadsAndBalances(
          packed.subarray(readsAt),
          columns.reads.meter.length,
          columns.balances.account.length,
        );
        expect(tail).toEqual({ reads: columns.reads, balances: columns.balances });
      }),
      { numRuns: 300 },
    );
  });

  it('any changed byte is refused or decodes to columns that pack to exactly those bytes', () => {
    fc.assert(
      fc.property(columnsArb, fc.nat(), fc.nat({ max: 255 }), (columns, at, value) => {
        const bytes = packBlockColumns(columns).packed.slice();
        bytes[at % bytes.length] = value;
        let back: BlockColumns;
        try {
          back = unpackBlockColumns(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BlockPackingError);
          return;
        }
        expect(hex(packBlockColumns(back).packed)).toBe(hex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the byte, section, row and reason of bad bytes', () => {
    const good = hex(packBlockColumns(EXAMPLE).packed);
    expect(packingError(fromHex(good.slice(0, -2)))).toBe(
      'packed byte 20 (balances row 0): the bytes end inside a value',
    );
    expect(packingError(fromHex(`${good}00`))).toBe(
      'packed byte 21 (end): 1 bytes after the last row',
    );
    expect(packingError(fromHex('02000000'))).toBe(
      'packed byte 1 (header): format 2, this central reads 1',
    );
    expect(packingError(fromHex('01 8a27 0000'))).toBe(
      'packed byte 3 (intervals count): 5002 intervals, at most 5000 per block',
    );
    // row 0's meter delta written as 0x80 0x00: not the shortest form
    expect(packingError(fromHex(`01010000 8000${good.slice(10)}`))).toBe(
      'packed byte 6 (intervals row 0): a varint ends in a zero byte (not the shortest form)',
    );
    // a meter delta of "−0"
    expect(packingError(fromHex(`01010000 01${good.slice(10)}`))).toBe(
      'packed byte 5 (intervals row 0): "−0" is not the shortest form of 0',
    );
  });

  it('parses the packed and the JSON form of a block to the same columns and bytes', () => {
    const b = new IntervalBlockBuilder('KES');
    b.addInterval({
      meterId: 'm1',
      startMs: 1_767_224_700_000,
      seconds: 900,
      energyWh: 412,
      quality: 0,
      charge: { accountId: 'a1', tariffVersionId: 'tv-1', priceSource: 'tariff', amountMinor: 8n },
    });
    b.addRead({
      meterId: 'm1',
      register: 'importWh',
      capturedAtMs: 1_767_225_600_000,
      valueWh: 10_412,
      quality: 0,
    });
    b.noteBalance('a1', -8n, 992n);
    const columns = b.take();
    const packed = packIntervalBlock(columns);
    expect(Object.keys(packed).sort()).toEqual([
      'accountIds',
      'currency',
      'meterIds',
      'packed',
      'registers',
      'tariffVersionIds',
    ]);
    const fromJson = intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(columns)));
    const fromPacked = intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(packed)));
    expect(fromPacked).toEqual(fromJson);
    expect(fromPacked.intervals.amountMinor).toEqual(['8']);
    expect(hex(fromPacked.packed)).toBe(hex(Buffer.from(packed.packed, 'base64')));
  });

  it('refuses bad base64, bad bytes and bad packed values with their place', () => {
    /** The example's columns with a real start (and `meter`), packed with one-id tables. */
    const packedWith = (meter: number) =>
      packIntervalBlock({
        meterIds: ['m1'],
        accountIds: ['a1'],
        tariffVersionIds: ['tv-1'],
        registers: [],
        currency: 'KES',
        ...EXAMPLE,
        intervals: { ...EXAMPLE.intervals, meter: [meter], startMs: [1_767_224_700_000] },
      });
    const body = packedWith(0);
    const issues = (v: unknown) => {
      const r = intervalBlockBodySchema.safeParse(v);
      return r.success ? [] : describeIssues(r.error);
    };
    expect(issues(body)).toEqual([]);
    for (const text of ['not base64!', 'AAA*AAAA', 'AA AAAAA', 'AAAA=AAA']) {
      expect(issues({ ...body, packed: text }), text).toEqual(['packed: packed must be base64']);
    }
    const bytes = Buffer.from(body.packed, 'base64');
    const truncated = bytes.subarray(0, bytes.length - 1).toString('base64');
    expect(issues({ ...body, packed: truncated })).toEqual([
      'packed: packed byte 23 (balances row 0): the bytes end inside a value',
    ]);
    // the meter index 0 → 1: the table has one meter
    expect(issues(packedWith(1))).toEqual([
      'intervals.meter.0: row 0: meter index must be in 0..0, got 1',
    ]);
    expect(issues({ ...body, intervals: EXAMPLE.intervals })[0]).toMatch(/intervals/);
  });
});
