import { describe, expect, it } from 'vitest';
import type { BillLine, PeriodResult } from '../../src/tariff/index.js';
import { compileTariff, parseTariffVersion, registerReadUsage } from '../../src/tariff/index.js';
import { localMidnightUtcMs } from '../../src/time/index.js';
import { dayPeriod, evenUsage, money, monthPeriods, rateBoth } from './helpers.js';

const LONDON = 'Europe/London';

/** Peak 01:00-03:00 local on weekdays and holidays-as-weekends; 1.000 vs 0.100 per kWh. */
function touTariff(extra: Record<string, unknown> = {}) {
  return parseTariffVersion({
    format: 'gridbill-tariff/v1',
    tariffId: 'tou',
    versionId: 'tou-1',
    effectiveFrom: '2020-01-01',
    timeZone: LONDON,
    currency: 'GBP',
    rounding: 'half-up',
    periods: ['peak', 'off'],
    schedules: {
      default: {
        defaultPeriod: 'off',
        seasons: [
          {
            id: 'all',
            weekday: [
              { from: '01:00', to: '03:00', period: 'peak' },
              { from: '17:00', to: '19:00', period: 'peak' },
            ],
            weekend: [],
          },
        ],
      },
    },
    components: [
      { kind: 'fixed', id: 'standing', description: 'Standing charge', amount: '0.50', per: 'day' },
      { kind: 'energy', id: 'energy', description: 'Energy', rates: { peak: '1', off: '0.1' } },
    ],
    ...extra,
  });
}

const whIn = (bill: PeriodResult, period: string) =>
  bill.lines
    .filter((l: BillLine) => l.determinants.period === period)
    .reduce((a, l) => a + Number.parseInt(l.determinants.wh ?? '0', 10), 0);

/** One 1 kWh interval every 15 minutes over local days [from, to). */
function quarterHours(from: string, to: string) {
  const start = localMidnightUtcMs(from, LONDON);
  const end = localMidnightUtcMs(to, LONDON);
  const startMs: number[] = [];
  for (let t = start; t < end; t += 900_000) startMs.push(t);
  return { startMs, wh: startMs.map(() => 1000), intervalSeconds: 900 };
}

describe('calendar cases', () => {
  it('DST spring-forward (London 2024-03-31, 23 h): 01:00-03:00 holds one real hour', () => {
    const v = compileTariff([touTariff()]);
    // Sunday: use a weekday schedule for the test by making Sunday a weekday-like season
    const [bill] = rateBoth(v, quarterHours('2024-03-29', '2024-03-30'), [
      dayPeriod(LONDON, '2024-03-29', '2024-03-30'),
    ]);
    expect(whIn(bill!, 'peak')).toBe(4 * 4000); // Friday: 2 h + 2 h
    const sundayOnly = compileTariff([
      touTariff({
        schedules: {
          default: {
            defaultPeriod: 'off',
            seasons: [{ id: 'all', weekday: [{ from: '01:00', to: '03:00', period: 'peak' }] }],
          },
        },
      }),
    ]);
    const [dst] = rateBoth(sundayOnly, quarterHours('2024-03-31', '2024-04-01'), [
      dayPeriod(LONDON, '2024-03-31', '2024-04-01'),
    ]);
    // 92 quarter hours; local 01:00-02:00 does not exist, 02:00-03:00 BST is one hour
    expect(whIn(dst!, 'peak') + whIn(dst!, 'off')).toBe(92 * 1000);
    expect(whIn(dst!, 'peak')).toBe(4 * 1000);
    expect(dst!.lines.find((l) => l.kind === 'fixed')!.quantity).toBe('1');
  });

  it('DST fall-back (London 2024-10-27, 25 h): 01:00-03:00 holds three real hours', () => {
    const v = compileTariff([
      touTariff({
        schedules: {
          default: {
            defaultPeriod: 'off',
            seasons: [{ id: 'all', weekday: [{ from: '01:00', to: '03:00', period: 'peak' }] }],
          },
        },
      }),
    ]);
    const [bill] = rateBoth(v, quarterHours('2024-10-27', '2024-10-28'), [
      dayPeriod(LONDON, '2024-10-27', '2024-10-28'),
    ]);
    expect(whIn(bill!, 'peak') + whIn(bill!, 'off')).toBe(100 * 1000);
    expect(whIn(bill!, 'peak')).toBe(12 * 1000); // 01:00 BST, 01:00 GMT (repeated), 02:00 GMT
    expect(money(bill!)).toBe('21.30'); // 0.50 + 12 × 1 + 88 × 0.1
  });

  it('a holiday uses the holiday (here: weekend) windows', () => {
    const holidays = { id: 'uk', dates: ['2024-12-25'] };
    const v = compileTariff([touTariff({ holidays })]);
    const at = (key: string) => localMidnightUtcMs(key, LONDON) + 17 * 3_600_000;
    const usage = {
      startMs: [at('2024-12-24'), at('2024-12-25')],
      wh: [1000, 1000],
      intervalSeconds: 900,
    };
    const [bill] = rateBoth(v, usage, [dayPeriod(LONDON, '2024-12-24', '2024-12-26')]);
    expect(whIn(bill!, 'peak')).toBe(1000); // Tuesday 24th at 17:00
    expect(whIn(bill!, 'off')).toBe(1000); // Wednesday 25th is a holiday
  });

  it('a leap day: 29 standing days, daily tier limits × 29, Feb 29 rated as a Thursday', () => {
    const v = compileTariff([
      touTariff({
        components: [
          { kind: 'fixed', id: 'standing', description: 'Standing', amount: '0.50', per: 'day' },
          {
            kind: 'energy',
            id: 'energy',
            description: 'Energy',
            rates: { '*': '0.1' },
            tiers: {
              scope: 'month',
              limitsKwh: ['10'],
              limitUnit: 'kWh-daily',
              allocation: 'chronological',
              tierRates: [{ '*': '0.1' }, { '*': '0.2' }],
            },
          },
        ],
      }),
    ]);
    const usage = {
      ...evenUsage(LONDON, '2024-02-01', '2024-03-01', 300_000, 3600),
      intervalSeconds: 3600,
    };
    const [bill] = rateBoth(v, usage, monthPeriods(LONDON, '2024-02-01', 1));
    const fixed = bill!.lines.find((l) => l.kind === 'fixed')!;
    expect(fixed.quantity).toBe('29');
    const tier = (t: number) =>
      bill!.lines
        .filter((l) => l.determinants.tier === t)
        .reduce((sum, l) => sum + Number.parseInt(l.determinants.wh ?? '0', 10), 0);
    expect([tier(1), tier(2)]).toEqual([290_000, 10_000]);
    const evening = localMidnightUtcMs('2024-02-29', LONDON) + 17.5 * 3_600_000;
    const [leap] = rateBoth(v, { startMs: [evening], wh: [500], intervalSeconds: 3600 }, [
      dayPeriod(LONDON, '2024-02-29', '2024-03-01'),
    ]);
    expect(leap!.lines.find((l) => l.kind === 'energy')!.determinants.period).toBe('peak');
    expect(money(bill!)).toBe('45.50'); // 14.50 + 29 + 2
  });

  describe('a version change mid-month', () => {
    const base = {
      format: 'gridbill-tariff/v1',
      tariffId: 'flat',
      timeZone: LONDON,
      currency: 'GBP',
      rounding: 'half-up',
      periods: ['all'],
    };
    const version = (versionId: string, from: string, to: string | undefined, rate: string) =>
      parseTariffVersion({
        ...base,
        versionId,
        effectiveFrom: from,
        ...(to ? { effectiveTo: to } : {}),
        components: [
          { kind: 'fixed', id: 'standing', description: 'Standing', amount: '30.00', per: 'month' },
          {
            kind: 'energy',
            id: 'energy',
            description: 'Energy',
            rates: { '*': rate },
            tiers: {
              scope: 'month',
              limitsKwh: ['100'],
              allocation: 'chronological',
              adders: ['0', '1'],
            },
          },
        ],
      });
    const versions = compileTariff([
      version('june-a', '2024-01-01', '2024-06-11', '0.10'),
      version('june-b', '2024-06-11', undefined, '0.20'),
    ]);

    it('splits interval data at the change, carries the month tier, prorates fixed by days', () => {
      // 6 kWh per day: 60 kWh before the change, 120 kWh after
      const usage = {
        ...evenUsage(LONDON, '2024-06-01', '2024-07-01', 180_000, 3600),
        intervalSeconds: 3600,
      };
      const [bill] = rateBoth(versions, usage, monthPeriods(LONDON, '2024-06-01', 1));
      const rows = bill!.lines.map((l) => [
        l.determinants.versionId,
        l.kind,
        l.quantity,
        l.amountMinor,
      ]);
      expect(rows).toEqual([
        ['june-a', 'fixed', '0.3333', 1000n], // 10/30 × 30.00
        ['june-a', 'energy', '60', 600n],
        ['june-b', 'fixed', '0.6667', 2000n], // 20/30 × 30.00
        ['june-b', 'energy', '40', 800n], // tier 1 continues from 60 kWh
        ['june-b', 'energy', '80', 9600n], // tier 2 at 0.20 + 1
      ]);
      expect(money(bill!)).toBe('140.00');
    });

    it('splits a register-only read by exact day fractions', () => {
      const read = { ...monthPeriods(LONDON, '2024-06-01', 1)[0]!, wh: 300_000 };
      const usage = registerReadUsage(versions, read);
      expect(usage.wh).toEqual([100_000, 200_000]);
      const [bill] = rateBoth(versions, usage, monthPeriods(LONDON, '2024-06-01', 1));
      const energy = bill!.lines.filter((l) => l.kind === 'energy');
      expect(energy.map((l) => [l.determinants.versionId, l.quantity])).toEqual([
        ['june-a', '100'],
        ['june-b', '200'],
      ]);
    });

    it('fixed charges with versionRule start/end are not split: whole bill at one version', () => {
      const withRule = (rule: string) =>
        compileTariff(
          [
            ['june-a', '2024-01-01', '2024-06-11', '10.00'],
            ['june-b', '2024-06-11', undefined, '40.00'],
          ].map(([id, from, to, amount]) =>
            parseTariffVersion({
              ...base,
              versionId: id,
              effectiveFrom: from,
              ...(to ? { effectiveTo: to } : {}),
              components: [
                {
                  kind: 'fixed',
                  id: 'standing',
                  description: 'Standing',
                  amount,
                  per: 'month',
                  versionRule: rule,
                },
              ],
            }),
          ),
        );
      const usage = { startMs: [], wh: [], intervalSeconds: 3600 };
      const june = monthPeriods(LONDON, '2024-06-01', 1);
      const rows = (rule: string) =>
        rateBoth(withRule(rule), usage, june)[0]!.lines.map((l) => [
          l.determinants.versionId,
          l.quantity,
          l.amountMinor,
        ]);
      expect(rows('split-days')).toEqual([
        ['june-a', '0.3333', 333n],
        ['june-b', '0.6667', 2667n],
      ]);
      expect(rows('start')).toEqual([['june-a', '1', 1000n]]);
      expect(rows('end')).toEqual([['june-b', '1', 4000n]]);
    });
  });
});
