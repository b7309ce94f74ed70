import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIntervalDay, encodeIntervalDay } from './codec.js';
import type { IntervalDay } from './interval-day.js';
import { dayTotalWh, emptyDay, intervalCountForDay, intervalIndex } from './interval-day.js';
import type { IntervalUpdate } from './merge.js';
import { mergeIntervals } from './merge.js';
import { bitsToFlags, flagsToBits } from './quality-flags.js';

const HOUR_MS = 3_600_000;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const dayArb = fc
  .record({
    intervalSeconds: fc.constantFrom(300, 900, 1800, 3600),
    hours: fc.constantFrom(23, 24, 25),
  })
  .chain(({ intervalSeconds, hours }) => {
    const count = (hours * 3600) / intervalSeconds;
    return fc.record({
      intervalSeconds: fc.constant(intervalSeconds),
      values: fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), {
        minLength: count,
        maxLength: count,
      }),
      flags: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: count, maxLength: count }),
    });
  })
  .map(
    (r): IntervalDay => ({
      intervalSeconds: r.intervalSeconds,
      valuesWh: Int32Array.from(r.values),
      flags: Uint8Array.from(r.flags),
    }),
  );

describe('interval day shape', () => {
  it('has 92, 96 and 100 slots on 23, 24 and 25-hour days at 15 minutes', () => {
    expect(intervalCountForDay(0, 23 * HOUR_MS, 900)).toBe(92);
    expect(intervalCountForDay(0, 24 * HOUR_MS, 900)).toBe(96);
    expect(intervalCountForDay(0, 25 * HOUR_MS, 900)).toBe(100);
    expect(intervalCountForDay(0, 24 * HOUR_MS, 3600)).toBe(24);
  });

  it('refuses a day that is not whole intervals and odd interval lengths', () => {
    expect(() => intervalCountForDay(0, 24 * HOUR_MS + 1, 900)).toThrow(
      'is not a positive whole number of 900 s intervals',
    );
    expect(() => intervalCountForDay(0, 24 * HOUR_MS, 700)).toThrow('got 700');
  });

  it('finds the slot of an interval start and refuses misaligned or outside starts', () => {
    expect(intervalIndex(1_000_000, 1_000_000 + 1_800_000, 900, 96)).toBe(2);
    expect(() => intervalIndex(0, 60_000, 900, 96)).toThrow('is not aligned to 900 s');
    expect(() => intervalIndex(0, 96 * 900_000, 900, 96)).toThrow('outside the day');
  });

  it('totals only non-missing slots', () => {
    const day = {
      intervalSeconds: 900,
      valuesWh: Int32Array.from([5, 0, 7]),
      flags: Uint8Array.from([0, 1, 2]),
    };
    expect(dayTotalWh(day)).toBe(12);
    expect(dayTotalWh(emptyDay(96, 900))).toBe(0);
  });
});

describe('quality flags', () => {
  it('maps names to bits and back', () => {
    expect(flagsToBits(['estimated', 'spike'])).toBe(10);
    expect(bitsToFlags(10)).toEqual(['estimated', 'spike']);
    expect(() => bitsToFlags(256)).toThrow('0..255, got 256');
  });

  it('round-trips every byte', () => {
    for (let bits = 0; bits < 256; bits += 1) expect(flagsToBits(bitsToFlags(bits))).toBe(bits);
  });
});

describe('codec', () => {
  it('packs the documented example byte for byte', () => {
    const day = {
      intervalSeconds: 3600,
      valuesWh: Int32Array.from([258]),
      flags: Uint8Array.of(2),
    };
    expect(hex(encodeIntervalDay(day))).toBe('0100100e01000000020100' + '0002');
  });

  it('packs a 96-slot day into 488 bytes', () => {
    expect(encodeIntervalDay(emptyDay(96, 900)).length).toBe(488);
  });

  it('round-trips any day (23, 24, 25 hours; any int32; any flags)', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const decoded = decodeIntervalDay(encodeIntervalDay(day));
        expect(decoded.intervalSeconds).toBe(day.intervalSeconds);
        expect(Array.from(decoded.valuesWh)).toEqual(Array.from(day.valuesWh));
        expect(Array.from(decoded.flags)).toEqual(Array.from(day.flags));
      }),
      { numRuns: 60 },
    );
  });

  it('decodes from aligned and unaligned views inside a larger buffer (DB driver blobs)', () => {
    const day = {
      intervalSeconds: 3600,
      valuesWh: Int32Array.from({ length: 24 }, (_, i) => i * -7),
      flags: new Uint8Array(24).fill(2),
    };
    const packed = encodeIntervalDay(day);
    for (const offset of [0, 4, 7, 9]) {
      const big = new Uint8Array(packed.length + 16);
      big.set(packed, offset);
      const decoded = decodeIntervalDay(big.subarray(offset, offset + packed.length));
      expect(Array.from(decoded.valuesWh)).toEqual(Array.from(day.valuesWh));
      expect(Array.from(decoded.flags)).toEqual(Array.from(day.flags));
      big.fill(0xff);
      expect(decoded.valuesWh[1]).toBe(-7); // a copy, not a view on the driver's buffer
    }
  });

  it('refuses truncated, padded and foreign bytes with the reason', () => {
    const packed = encodeIntervalDay(emptyDay(96, 900));
    expect(() => decodeIntervalDay(packed.subarray(0, 487))).toThrow(
      'packed day of 96 intervals must be 488 bytes, got 487',
    );
    expect(() => decodeIntervalDay(Uint8Array.of(1, 0))).toThrow('too short: 2 bytes');
    const foreign = packed.slice();
    foreign[0] = 2;
    expect(() => decodeIntervalDay(foreign)).toThrow('format 2 is not 1');
    const badStep = packed.slice();
    badStep[2] = 1;
    expect(() => decodeIntervalDay(badStep)).toThrow('intervalSeconds must be one of');
  });

  it('refuses mismatched arrays when packing', () => {
    const day = { intervalSeconds: 900, valuesWh: new Int32Array(3), flags: new Uint8Array(2) };
    expect(() => encodeIntervalDay(day)).toThrow('cannot pack 3 values with 2 flags');
  });
});

describe('mergeIntervals', () => {
  const stored = (): IntervalDay => ({
    intervalSeconds: 900,
    valuesWh: Int32Array.from([0, 40, 30, 0]),
    flags: Uint8Array.from([1, 2, 0, 1]),
  });

  it('fills missing slots, upgrades estimates, keeps actuals and reports conflicts', () => {
    const before = stored();
    const result = mergeIntervals(before, [
      { index: 0, valueWh: 12, flags: 0 },
      { index: 1, valueWh: 41, flags: 0 },
      { index: 2, valueWh: 33, flags: 0 },
      { index: 2, valueWh: 99, flags: 2 },
    ]);
    expect(result.outcomes).toEqual(['filled', 'upgraded', 'conflict', 'kept']);
    expect(Array.from(result.day.valuesWh)).toEqual([12, 41, 30, 0]);
    expect(Array.from(result.day.flags)).toEqual([0, 0, 0, 1]);
    expect(result.conflicts).toEqual([{ index: 2, storedWh: 30, incomingWh: 33 }]);
    expect(Array.from(before.valuesWh)).toEqual([0, 40, 30, 0]);
  });

  it('treats a replay as unchanged', () => {
    const result = mergeIntervals(stored(), [{ index: 2, valueWh: 30, flags: 0 }]);
    expect(result.outcomes).toEqual(['unchanged']);
  });

  it('refuses bad updates before changing anything', () => {
    expect(() => mergeIntervals(stored(), [{ index: 4, valueWh: 1, flags: 0 }])).toThrow(
      'interval index 4 is outside 0..3',
    );
    expect(() => mergeIntervals(stored(), [{ index: 0, valueWh: 1.5, flags: 0 }])).toThrow(
      'interval 0: 1.5 Wh is not an int32 integer',
    );
    expect(() => mergeIntervals(stored(), [{ index: 0, valueWh: 2 ** 31, flags: 0 }])).toThrow(
      'not an int32',
    );
    expect(() => mergeIntervals(stored(), [{ index: 0, valueWh: 1, flags: 1 }])).toThrow(
      "cannot carry the 'missing' flag",
    );
  });

  const updatesArb = fc.array(
    fc.record({
      index: fc.nat({ max: 95 }),
      valueWh: fc.integer({ min: 0, max: 5000 }),
      flags: fc.constantFrom(0, 2, 4, 8, 6),
    }),
    { maxLength: 200 },
  );

  it('is idempotent: merging the same updates twice changes nothing more', () => {
    fc.assert(
      fc.property(updatesArb, (updates) => {
        const once = mergeIntervals(emptyDay(96, 900), updates).day;
        const twice = mergeIntervals(once, updates);
        expect(Array.from(twice.day.valuesWh)).toEqual(Array.from(once.valuesWh));
        expect(Array.from(twice.day.flags)).toEqual(Array.from(once.flags));
        expect(twice.outcomes).not.toContain('filled');
        expect(twice.outcomes).not.toContain('upgraded');
      }),
      { numRuns: 80 },
    );
  });

  it('never overwrites an actual value once stored', () => {
    fc.assert(
      fc.property(updatesArb, updatesArb, (first, second) => {
        const a = mergeIntervals(emptyDay(96, 900), first).day;
        const b = mergeIntervals(a, second).day;
        a.flags.forEach((bits, i) => {
          if ((bits & 3) === 0) expect(b.valuesWh[i]).toBe(a.valuesWh[i]);
        });
      }),
      { numRuns: 80 },
    );
  });

  it('gives the same day in any order when actual values agree per slot', () => {
    const consistentArb = fc
      .uniqueArray(fc.nat({ max: 95 }), { maxLength: 60 })
      .chain((indexes) =>
        fc.tuple(
          fc.constant(indexes.map((index) => ({ index, valueWh: index * 3 + 1, flags: 0 }))),
          fc.array(fc.nat({ max: 95 }), { maxLength: 30 }),
        ),
      )
      .map(([actuals, estimateSlots]) => [
        ...actuals,
        ...estimateSlots.map((index): IntervalUpdate => ({ index, valueWh: 7, flags: 2 })),
      ]);
    fc.assert(
      fc.property(
        consistentArb.chain((u) =>
          fc.tuple(fc.constant(u), fc.shuffledSubarray(u, { minLength: u.length })),
        ),
        ([updates, shuffled]) => {
          const a = mergeIntervals(emptyDay(96, 900), updates).day;
          const b = mergeIntervals(emptyDay(96, 900), shuffled).day;
          expect(Array.from(b.valuesWh)).toEqual(Array.from(a.valuesWh));
          expect(Array.from(b.flags)).toEqual(Array.from(a.flags));
        },
      ),
      { numRuns: 80 },
    );
  });
});
