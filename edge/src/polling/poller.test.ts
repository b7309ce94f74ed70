import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from '../engine/index.js';
import type { MeterLink } from './meter-link.js';
import { Poller } from './poller.js';

let fx: EngineFixture;
afterEach(() => fx?.close());

function fakeLink(read: () => { valueWh: number; meterClockMs?: number }): MeterLink {
  return {
    readEnergy: async () => ({ serial: 'S1', ...read() }),
    switchRelay: async () => {},
    readRelay: async () => 'closed',
    close: async () => {},
  };
}

function pollerWith(link: MeterLink): Poller {
  const meter = fx.engine.meters.get('m1')!.config;
  const run = <T>(task: () => Promise<T>) => task();
  return new Poller(fx.engine, new Map([['m1', { meter, link, run }]]));
}

const alarmCodes = () =>
  fx.engine.outbox
    .read(0, 1_000)
    .filter((r) => r.kind === 'alarm')
    .map((r) => JSON.parse(r.body).code as string);

describe('Poller', () => {
  it('polls meters near the warn threshold more often', () => {
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, {
          accounts: [
            { id: 'ACC-1001', mode: 'prepaid', tariffId: 'flat', openingBalanceMinor: 1_000 },
          ],
        }),
    });
    const poller = pollerWith(fakeLink(() => ({ valueWh: 0 })));
    expect(poller.nearThresholdMeters()).toEqual([]);
    ingestReadings(fx.engine, [snapshot('m1', T0, 0), snapshot('m1', T0 + 900_000, 300)]);
    expect(fx.engine.balanceOf('ACC-1001')).toBe(400n); // ≤ warn (500)
    expect(poller.nearThresholdMeters()).toEqual(['m1']);
  });

  it('raises a clock-skew alarm when the meter clock is off the gateway clock', async () => {
    fx = engineFixture();
    const now = fx.clock.wallMs();
    await pollerWith(fakeLink(() => ({ valueWh: 5, meterClockMs: now + 30_000 }))).clockCheck();
    expect(alarmCodes()).toEqual([]);
    await pollerWith(fakeLink(() => ({ valueWh: 5, meterClockMs: now - 600_000 }))).clockCheck();
    expect(alarmCodes()).toEqual(['meter-clock-skew']);
  });

  it('logs a failed meter, raises one unreachable alarm per outage, and goes on', async () => {
    fx = engineFixture();
    const poller = pollerWith({
      ...fakeLink(() => ({ valueWh: 0 })),
      readEnergy: async () => {
        throw new Error('CRC error in response from unit 1');
      },
    });
    await poller.pollCycle();
    await poller.pollCycle();
    expect(poller.stats.failures).toBe(2);
    expect(alarmCodes()).toEqual(['meter-unreachable']);
  });
});
