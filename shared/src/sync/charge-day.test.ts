import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHARGE_DAY_MS,
  ChargeDayError,
  appendChargeDay,
  appendChargeRun,
  type ChargeRun,
  chargeDayCount,
  chargeDayStartMs,
  decodeChargeDay,
  encodeChargeDay,
  mergeChargeDay,
  newChargeRun,
  type PackedCharge,
  scanChargeDay,
} from './charge-day.js';

const DAY = Date.UTC(2026, 10, 27);

function charge(offsetMs: number, version = 'tv-1', amountMinor = 8n): PackedCharge {
  return {
    startMs: DAY + offsetMs,
    seconds: 900,
    energyWh: 412,
    amountMinor,
    tariffVersionId: version,
    currency: 'KES',
    priceSource: 'tariff',
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('charge day codec', () => {
  it('packs the documented example byte for byte', () => {
    const bytes = encodeChargeDay(0, [
      {
        startMs: 900_000,
        seconds: 900,
        energyWh: 412,
        amountMinor: 8n,
        tariffVersionId: 'tv',
        currency: 'KES',
        priceSource: 'tariff',
      },
    ]);
    expect(hex(bytes)).toBe(
      '0100020001000000' +
        '027476' +
        '034b4553' +
        'a0f736' +
        '8407' +
        '02' +
        '9c03' +
        '08' +
        '0001',
    );
    expect(chargeDayCount(bytes)).toBe(1);
    const scan = scanChargeDay(0, bytes);
    expect({ ...scan, entries: hex(scan.entries) }).toEqual({
      count: 1,
      lastStartMs: 900_000,
      strings: ['tv', 'KES'],
      entries: 'a0f7368407029c03080001',
    });
  });

  it('round-trips extremes: int64 amounts, negative and large energy, off-grid starts', () => {
    const list: PackedCharge[] = [
      { ...charge(0), amountMinor: 2n ** 63n - 1n },
      { ...charge(1), amountMinor: -(2n ** 63n), energyWh: -5 },
      { ...charge(900_000), priceSource: 'fallback', currency: 'USD', seconds: 3600 },
      { ...charge(CHARGE_DAY_MS - 1, 'tv-2'), energyWh: Number.MAX_SAFE_INTEGER },
    ];
    expect(decodeChargeDay(DAY, encodeChargeDay(DAY, list))).toEqual(list);
  });

  it('round-trips any list of distinct charges (sorted by start, then version)', () => {
    const arb = fc.uniqueArray(
      fc.record({
        offset: fc.integer({ min: 0, max: CHARGE_DAY_MS - 1 }),
        version: fc.constantFrom('tv-1', 'tv-2', 'v'),
        wh: fc.maxSafeInteger(),
        amount: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      }),
      { selector: (r) => `${r.offset}|${r.version}`, maxLength: 200 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const list = rows.map((r) => ({
          ...charge(r.offset, r.version, r.amount),
          energyWh: r.wh,
        }));
        const sorted = [...list].sort((a, b) =>
          a.startMs !== b.startMs
            ? a.startMs - b.startMs
            : a.tariffVersionId.localeCompare(b.tariffVersionId),
        );
        expect(decodeChargeDay(DAY, encodeChargeDay(DAY, list))).toEqual(sorted);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses what it cannot pack, naming the charge and the field', () => {
    expect(() => encodeChargeDay(DAY, [charge(CHARGE_DAY_MS)])).toThrow(
      `charge at ${DAY + CHARGE_DAY_MS} (tv-1): start is not in the day starting ${DAY}`,
    );
    expect(() => encodeChargeDay(DAY, [charge(0, 'tv-1', 2n ** 63n)])).toThrow(
      'amountMinor 9223372036854775808 does not fit in 64 bits',
    );
    expect(() => encodeChargeDay(DAY, [{ ...charge(0), seconds: 0 }])).toThrow(
      'seconds 0 is not a positive 32-bit integer',
    );
    expect(() => encodeChargeDay(DAY, [{ ...charge(0), energyWh: 1.5 }])).toThrow(
      'energyWh 1.5 is not a safe integer',
    );
    expect(() => encodeChargeDay(DAY, [charge(0, 'tv 1')])).toThrow(
      "tariff version 'tv 1': need 1-255 printable ASCII chars",
    );
  });

  it('refuses broken bytes with the reason', () => {
    const good = encodeChargeDay(DAY, [charge(0)]);
    expect(() => decodeChargeDay(DAY, good.subarray(0, 4))).toThrow(ChargeDayError);
    expect(() => decodeChargeDay(DAY, good.subarray(0, good.length - 1))).toThrow(
      'packed charges: truncated',
    );
    expect(() => decodeChargeDay(DAY, new Uint8Array([...good, 0]))).toThrow(
      'packed charges: 1 bytes after 1 charges',
    );
    const wrong = good.slice();
    wrong[0] = 9;
    expect(() => decodeChargeDay(DAY, wrong)).toThrow('packed charges: no format 1 header');
    const badIndex = good.slice();
    badIndex[good.length - 1] = 7;
    expect(() => decodeChargeDay(DAY, badIndex)).toThrow('string index out of range');
    const badAmount = encodeChargeDay(DAY, [charge(0)]);
    badAmount[badAmount.length - 6] = 9 << 1;
    expect(() => decodeChargeDay(DAY, badAmount)).toThrow('amount of 9 bytes');
  });

  it('merges once per (start, version): replays and repeats add nothing', () => {
    const stored = [charge(0)];
    const incoming = [charge(0, 'tv-1', 9n), charge(900_000), charge(900_000), charge(0, 'tv-2')];
    const merged = mergeChargeDay(stored, incoming);
    expect(merged.fresh).toEqual([charge(900_000), charge(0, 'tv-2')]);
    expect(merged.charges).toEqual([charge(0), charge(0, 'tv-2'), charge(900_000)]);
    expect(mergeChargeDay(merged.charges, incoming).fresh).toEqual([]);
    expect(chargeDayStartMs(DAY + 5)).toBe(DAY);
    // stored rows of two accounts one after the other (not sorted as a whole): the start
    // 1,800,000 stored in the first row is still found
    const twoRows = [charge(0), charge(1_800_000), { ...charge(900_000), currency: 'USD' }];
    const later = mergeChargeDay(twoRows, [charge(1_200_000), charge(1_800_000)]);
    expect(later.fresh).toEqual([charge(1_200_000)]);
    expect(later.charges.map((c) => c.startMs - DAY)).toEqual([0, 900_000, 1_200_000, 1_800_000]);
  });

  it('appends in order without decoding: same charges as a full encode', () => {
    const first = [charge(0), charge(900_000, 'tv-2')];
    const later = [{ ...charge(1_800_000), currency: 'USD' }, charge(2_700_000, 'tv-3', -5n)];
    const packed = appendChargeDay(DAY, encodeChargeDay(DAY, first), later);
    const viaScan = appendChargeDay(DAY, scanChargeDay(DAY, encodeChargeDay(DAY, first)), later);
    expect(viaScan).toEqual(packed);
    expect(decodeChargeDay(DAY, packed)).toEqual([...first, ...later]);
    expect(scanChargeDay(DAY, packed).lastStartMs).toBe(DAY + 2_700_000);
    expect(appendChargeDay(DAY, null, first)).toEqual(encodeChargeDay(DAY, first));
    expect(() => appendChargeDay(DAY, packed, [charge(2_700_000)])).toThrow(
      `charge at ${DAY + 2_700_000} (tv-1): not after the day's charge at ${DAY + 2_700_000}`,
    );
    expect(() => appendChargeDay(DAY, packed, [charge(3_600_000), charge(3_600_000)])).toThrow(
      ChargeDayError,
    );
  });

  it('packs a run of columns byte for byte like appendChargeDay of the same charges', () => {
    const SAFE = Number.MAX_SAFE_INTEGER;
    const row = fc.record({
      gapMs: fc.integer({ min: 1, max: 3_600_000 }),
      seconds: fc.constantFrom(60, 900, 3600, 2 ** 32 - 1),
      energyWh: fc.oneof(
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -SAFE, max: SAFE }),
      ),
      amount: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -SAFE, max: SAFE })),
      version: fc.constantFrom('tv-1', 'tv-2', 'tv-10'),
      fallback: fc.boolean(),
    });
    type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;
    const toCharges = (rows: Row[], fromMs: number, currency: string) => {
      let at = fromMs;
      return rows.map((r) => {
        at += r.gapMs;
        return {
          startMs: at,
          seconds: r.seconds,
          energyWh: r.energyWh,
          amountMinor: BigInt(r.amount),
          tariffVersionId: r.version,
          currency,
          priceSource: r.fallback ? 'fallback' : 'tariff',
        } satisfies PackedCharge;
      });
    };
    const run = newChargeRun(64);
    const fill = (charges: PackedCharge[]): ChargeRun => {
      charges.forEach((c, i) => {
        run.startMs[i] = c.startMs;
        run.seconds[i] = c.seconds;
        run.energyWh[i] = c.energyWh;
        run.amountMinor[i] = Number(c.amountMinor); // test data: safe integers
        run.priceSource[i] = c.priceSource === 'fallback' ? 1 : 0;
        run.tariffVersionIds[i] = c.tariffVersionId;
      });
      run.n = charges.length;
      run.currency = charges[0]?.currency ?? 'KES';
      return run;
    };
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }),
        fc.array(row, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('KES', 'USD'),
        (storedRows, newRows, currency) => {
          const stored = toCharges(storedRows, DAY - 1, 'KES');
          const last = stored[stored.length - 1]?.startMs ?? DAY - 1;
          const incoming = toCharges(newRows, last, currency);
          if (incoming[incoming.length - 1]!.startMs >= DAY + CHARGE_DAY_MS) return;
          const base = stored.length > 0 ? scanChargeDay(DAY, encodeChargeDay(DAY, stored)) : null;
          const expected = appendChargeDay(DAY, base, incoming);
          expect(hex(appendChargeRun(DAY, base, fill(incoming)))).toBe(hex(expected));
        },
      ),
      { numRuns: 400 },
    );
    const packed = encodeChargeDay(DAY, [charge(900_000)]);
    const again = fill([charge(900_000)]);
    expect(() => appendChargeRun(DAY, scanChargeDay(DAY, packed), again)).toThrow(
      `charge at ${DAY + 900_000} (tv-1): not after the day's charge at ${DAY + 900_000}`,
    );
    expect(() => appendChargeRun(DAY, null, fill([charge(CHARGE_DAY_MS)]))).toThrow(
      'start is not in the day',
    );
  });
});
