import { createSeededRandom } from '@gridbill/shared/ids';
import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.js';
import { createRecentIds } from './recent-ids.js';

describe('reconnectDelayMs', () => {
  it('stays within base·2^attempt and the cap', () => {
    const random = createSeededRandom('backoff');
    const policy = { baseMs: 1000, capMs: 60_000 };
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
      for (let i = 0; i < 20; i += 1) {
        const delay = reconnectDelayMs(attempt, random, policy);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads gateways out (jitter) and is reproducible with a seed', () => {
    const a = Array.from({ length: 50 }, (_, i) => reconnectDelayMs(6, createSeededRandom(i)));
    expect(new Set(a).size).toBeGreaterThan(40);
    expect(reconnectDelayMs(6, createSeededRandom(1))).toBe(a[1]);
  });

  it('refuses a negative attempt', () => {
    expect(() => reconnectDelayMs(-1, createSeededRandom(1))).toThrow(
      'reconnect attempt must be an integer ≥ 0, got -1',
    );
  });
});

describe('createRecentIds', () => {
  it('drops repeats and forgets the oldest beyond capacity', () => {
    const ids = createRecentIds(2);
    expect([ids.add('a'), ids.add('a'), ids.add('b'), ids.add('c'), ids.add('a')]).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    expect(ids.add('c')).toBe(false);
  });
});
