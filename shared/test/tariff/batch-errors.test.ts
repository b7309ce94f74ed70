import { describe, expect, it } from 'vitest';
import { rateBatch } from '../../src/tariff/index.js';
import type { UsageSeries } from '../../src/tariff/index.js';
import { dayPeriod, shippedTariff } from './helpers.js';

/** The batch driver rejects a bad series as a whole, naming the first bad interval. */
const TZ = 'Asia/Shanghai';

function usage(wh: ArrayLike<number>, startMs?: ArrayLike<number>): UsageSeries {
  const from = dayPeriod(TZ, '2024-03-01', '2024-03-02').fromMs;
  const starts = startMs ?? Array.from({ length: wh.length }, (_, i) => from + i * 900_000);
  return { startMs: starts, wh, intervalSeconds: 900 };
}

describe('rateBatch rejects bad usage series', () => {
  const versions = shippedTariff('cn-zhejiang-residential-tou.json', TZ);
  const periods = [dayPeriod(TZ, '2024-03-01', '2024-03-02')];
  const rate = (u: UsageSeries) => () => rateBatch({ versions, usage: u, periods });

  it('names the first interval with negative, fractional or missing Wh', () => {
    expect(rate(usage([5, 6, -1, 7]))).toThrow('usage[2].wh: expected a whole non-negative Wh');
    expect(rate(usage([5, 2.5, -1]))).toThrow('usage[1].wh: expected a whole non-negative Wh');
    expect(rate(usage([5, 6, 7, Number.NaN]))).toThrow('usage[3].wh');
    expect(rate(usage(Float64Array.from([1, 0.5])))).toThrow('usage[1].wh');
    expect(rate(usage(Int32Array.from([1, 2, -3])))).toThrow('usage[2].wh');
  });

  it('names the first interval out of time order, before a later bad Wh', () => {
    const from = periods[0]!.fromMs;
    const starts = [from, from + 900_000, from + 900_000, from + 1_800_000];
    expect(rate(usage([1, 2, 3, -4], starts))).toThrow('usage[2].start: intervals must be in');
    expect(rate(usage([1, -2, 3, 4], starts))).toThrow('usage[1].wh');
    const typed = Float64Array.from([from, from - 1]);
    expect(rate(usage(Int32Array.from([1, 1]), typed))).toThrow('usage[1].start');
  });
});
