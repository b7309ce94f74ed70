import { ManualClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import { describe, expect, it } from 'vitest';
import { startGatewaySync } from './gateway-sync.js';

const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('startGatewaySync', () => {
  it('pulls at once on a hint, and backs off upstream after failures', async () => {
    const clock = new ManualClock({ wallMs: 1_767_225_600_000, monoMs: 0 });
    const sent: number[] = [];
    let up = false;
    let pulls = 0;
    const sync = startGatewaySync({
      clock,
      random: createSeededRandom('gw-sync'),
      sendOnce: async () => {
        sent.push(clock.monoMs());
        return { kind: up ? 'idle' : 'failed' };
      },
      pull: async () => {
        pulls += 1;
      },
      upstreamIdleMs: 5000,
      pullEveryMs: 60_000,
    });
    await flush();
    expect(sent).toEqual([0]);
    const atStart = pulls; // the trigger may pull once on start
    sync.pullHint();
    await flush();
    expect(pulls).toBe(atStart + 1);
    for (let i = 0; i < 8; i += 1) {
      clock.advance(8000);
      await flush();
    }
    expect(sync.upstreamFailures()).toBeGreaterThanOrEqual(2);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    // waits between attempts (no hot loop), growing back-off: few attempts in 64 s
    expect(gaps.every((g) => g > 0)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(9);
    up = true;
    sync.outboxChanged();
    await flush();
    expect(sync.upstreamFailures()).toBe(0);
    clock.advance(70_000);
    await flush();
    expect(pulls).toBe(atStart + 2); // the backstop timer pulls without a hint
    await sync.stop();
  });
});
