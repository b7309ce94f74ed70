import { upstreamBodySchemas } from '@gridbill/shared/sync';
import { compileTariff, parseTariffVersion, standingChargesOfDay } from '@gridbill/shared/tariff';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
} from '../../test/support/engine-fixture.js';
import { drawStandingCharges, type StandingChargeSource } from './standing-charges.js';

const DAY = 86_400_000;
let fx: EngineFixture;
afterEach(() => fx?.close());

/** Tariff 'flat' with a standing charge of 3.00 per day (and energy, not drawn here). */
const versions = compileTariff([
  parseTariffVersion({
    format: 'gridbill-tariff/v1',
    tariffId: 'flat',
    versionId: 'flat-1',
    effectiveFrom: '2026-01-01',
    timeZone: 'Africa/Nairobi',
    currency: 'KES',
    rounding: 'half-up',
    periods: ['all'],
    schedules: { default: { defaultPeriod: 'all', seasons: [] } },
    components: [
      { kind: 'energy', id: 'e', description: 'Energy', rates: { all: '20' } },
      { kind: 'fixed', id: 'std', description: 'Standing', amount: '3', per: 'day' },
    ],
  }),
]);
const source: StandingChargeSource = (tariffId, day) =>
  tariffId === 'flat' ? standingChargesOfDay(versions, day) : undefined;

function fees() {
  return fx.engine.outbox
    .read(0, 10_000)
    .filter((r) => r.kind === 'balance-change')
    .map((r) => upstreamBodySchemas['balance-change'].parse(JSON.parse(r.body)))
    .filter((b) => b.entryKind === 'fixed-fee');
}

describe('drawStandingCharges', () => {
  it('draws each local day once, catches up missed days, survives a restart', () => {
    fx = engineFixture(); // Monday 2026-03-02 15:00 Nairobi, prepaid ACC-1001 at 1000
    expect(drawStandingCharges(fx.engine, source)).toBe(1);
    expect(fx.engine.balanceOf('ACC-1001')).toBe(700n);
    expect(fees()).toEqual([
      expect.objectContaining({
        accountId: 'ACC-1001',
        amountMinor: -300n,
        balanceAfterMinor: 700n,
        reference: 'standing charge std 2026-03-02 (flat-1)',
      }),
    ]);
    expect(drawStandingCharges(fx.engine, source)).toBe(0); // same day: nothing
    fx.clock.advance(2 * DAY);
    expect(drawStandingCharges(fx.engine, source)).toBe(2); // 03-03 and 03-04
    expect(fx.engine.balanceOf('ACC-1001')).toBe(100n);
    fx.reopen();
    expect(fx.engine.balanceOf('ACC-1001')).toBe(100n);
    expect(drawStandingCharges(fx.engine, source)).toBe(0);
    expect(new Set(fees().map((f) => f.entryId)).size).toBe(3);
  });

  it('an untrusted clock draws nothing; prepaid only (postpaid is billed by central)', () => {
    let trusted = false;
    fx = engineFixture({
      clockTrusted: () => trusted,
      config: (dir) =>
        baseConfig(dir, {
          accounts: [
            { id: 'ACC-1001', mode: 'prepaid', tariffId: 'flat', openingBalanceMinor: 1000 },
            { id: 'ACC-2', mode: 'postpaid', tariffId: 'flat' },
            { id: 'ACC-3', mode: 'hybrid', activeMode: 'postpaid', tariffId: 'flat' },
          ],
        }),
    });
    expect(drawStandingCharges(fx.engine, source)).toBe(0);
    trusted = true;
    expect(drawStandingCharges(fx.engine, source)).toBe(1);
    expect(fees().map((f) => f.accountId)).toEqual(['ACC-1001']);
  });

  it('a long backlog is drawn 62 days per pass, every day once', () => {
    fx = engineFixture();
    drawStandingCharges(fx.engine, source);
    fx.clock.advance(100 * DAY);
    expect(drawStandingCharges(fx.engine, source)).toBe(62);
    expect(drawStandingCharges(fx.engine, source)).toBe(38);
    expect(drawStandingCharges(fx.engine, source)).toBe(0);
    const all = fees();
    expect(all).toHaveLength(101);
    expect(new Set(all.map((f) => f.entryId)).size).toBe(101);
    expect(fx.engine.balanceOf('ACC-1001')).toBe(1000n - 101n * 300n);
  });

  it('the standing_charges row keeps a day drawn once even without the marker', () => {
    fx = engineFixture();
    drawStandingCharges(fx.engine, source);
    const db = fx.engine.deps.db;
    expect(db.prepare('SELECT account_id, day, amount_minor FROM standing_charges').all()).toEqual([
      { account_id: 'ACC-1001', day: '2026-03-02', amount_minor: 300 },
    ]);
    db.prepare("DELETE FROM meta WHERE key = 'standing_charges_through'").run();
    expect(drawStandingCharges(fx.engine, source)).toBe(0);
    expect(fx.engine.balanceOf('ACC-1001')).toBe(700n);
    expect(fees()).toHaveLength(1);
  });

  it('a tariff not on the gateway yet draws nothing; drawing starts when it arrives', () => {
    fx = engineFixture();
    let known = false;
    const late: StandingChargeSource = (tariffId, day) =>
      known ? source(tariffId, day) : undefined;
    expect(drawStandingCharges(fx.engine, late)).toBe(0);
    fx.clock.advance(DAY);
    expect(drawStandingCharges(fx.engine, late)).toBe(0);
    known = true; // the tariff version arrived from central
    expect(drawStandingCharges(fx.engine, late)).toBe(1); // today's (03-03), not skipped
    expect(fees().map((f) => f.reference)).toEqual(['standing charge std 2026-03-03 (flat-1)']);
  });
});
