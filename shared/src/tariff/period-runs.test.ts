import { describe, expect, it } from 'vitest';
import { minuteIndex } from './minute-index.js';
import { periodRuns } from './period-runs.js';

describe('periodRuns', () => {
  it('turns a minute table into runs of one period (doc example)', () => {
    const runs = periodRuns(Uint8Array.from([1, 1, 0]));
    expect([...runs.endMs]).toEqual([120_000, 180_000]);
    expect([...runs.period]).toEqual([1, 0]);
  });

  it('agrees with the minute table at every whole ms boundary of a 23-hour day', () => {
    const table = new Uint8Array(1380);
    for (let m = 0; m < table.length; m++) table[m] = Math.floor(m / 97) % 3;
    const runs = periodRuns(table);
    expect(runs.endMs[runs.endMs.length - 1]).toBe(1380 * 60_000);
    const at = (ms: number) => runs.period[runs.endMs.findIndex((end) => ms < end)];
    for (let m = 0; m < 1380; m++) {
      for (const ms of [m * 60_000, m * 60_000 + 59_999]) {
        expect(at(ms)).toBe(table[minuteIndex(ms)]);
      }
    }
  });

  it('builds the runs of one table once', () => {
    const table = Uint8Array.from([0, 2, 2, 2]);
    expect(periodRuns(table)).toBe(periodRuns(table));
  });
});
