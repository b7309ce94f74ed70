import { describe, expect, it } from 'vitest';
import type { EdgeCharge } from '../charge-postings.js';
import { mainReason, sumAccountDays } from './account-days.js';
import { adjustmentEntry, adjustmentId } from './adjustment-entry.js';
import { classifyDifference, type Reason } from './classify.js';
import { splitRange, touchedRanges } from './touched-days.js';

const T = Date.UTC(2026, 10, 27, 6); // 09:00 in Nairobi
const edge = (over: Partial<EdgeCharge> = {}): EdgeCharge => ({
  chargeId: 'c1',
  accountId: 'a1',
  meterId: 'm1',
  intervalStartMs: T,
  intervalSeconds: 900,
  energyWh: 100,
  amountMinor: 8n,
  currency: 'KES',
  tariffVersionId: 'tv-1',
  priceSource: 'tariff',
  ...over,
});

/** [case, edge fields, central version, clock suspect, reason] — first match wins. */
const CASES: [string, Partial<EdgeCharge>, string | null, boolean, Reason][] = [
  ['fallback beats a version change', { priceSource: 'fallback' }, 'tv-2', true, 'fallback-price'],
  ['fallback alone', { priceSource: 'fallback' }, 'tv-1', false, 'fallback-price'],
  ['another central version', {}, 'tv-2', true, 'late-tariff-version'],
  ['clock-untrusted flag', {}, 'tv-1', true, 'clock'],
  ['start off the grid', { intervalStartMs: T + 7_000 }, 'tv-1', false, 'clock'],
  ['no central version, on the grid', {}, null, false, 'other'],
  ['same version, clean timing', {}, 'tv-1', false, 'other'],
];

describe('classifyDifference (from the rule table)', () => {
  for (const [name, over, centralVersionId, clockSuspect, reason] of CASES) {
    it(`${name} → ${reason}`, () => {
      expect(classifyDifference(edge(over), { centralVersionId, clockSuspect })).toBe(reason);
    });
  }
});

describe('sumAccountDays', () => {
  it('sums per local day, counts unrated and a second charge for one start as clock', () => {
    const day = new Set(['2026-11-27']);
    const v = (amountMinor: bigint, versionId: string | null = 'tv-1') => ({
      startMs: T,
      versionId,
      amountMinor,
    });
    const got = sumAccountDays(
      'a1',
      [
        { edge: edge(), central: v(8n), clockSuspect: false },
        { edge: edge({ chargeId: 'c2', amountMinor: 5n }), central: null, clockSuspect: false },
        {
          edge: edge({ chargeId: 'c3', amountMinor: 3n }),
          central: v(0n, null),
          clockSuspect: false,
        },
        {
          edge: edge({ chargeId: 'c4', intervalStartMs: T + 86_400_000 }),
          central: v(9n),
          clockSuspect: false,
        },
      ],
      'Africa/Nairobi',
      day,
    );
    expect(got).toEqual([
      {
        accountId: 'a1',
        day: '2026-11-27',
        currency: 'KES',
        edgeTotalMinor: 16n,
        centralTotalMinor: 11n,
        intervals: 3,
        intervalsDiffering: 1,
        unrated: 1,
        reasons: { clock: 1 },
        reasonAmounts: { clock: -5n },
        differingChargeIds: ['c2'],
      },
    ]);
  });

  it('names the reason with the largest amount', () => {
    expect(mainReason({ other: 1n, 'fallback-price': -40n })).toBe('fallback-price');
    expect(mainReason({ other: 3n, clock: -3n })).toBe('clock');
    expect(mainReason({})).toBe('other');
  });
});

describe('adjustmentEntry', () => {
  it('credits the receivable for a negative difference, with a deterministic id and memo', () => {
    const e = adjustmentEntry({
      gatewayId: 'gw-1',
      accountId: 'a1',
      day: '2026-11-27',
      currency: 'KES',
      revision: 2,
      amountMinor: -40n,
      reason: 'fallback-price',
      edgeTotalMinor: 100n,
      centralTotalMinor: 50n,
      earlierMinor: -10n,
      intervalsDiffering: 22,
      intervals: 96,
      differingChargeIds: Array.from({ length: 22 }, (_, i) => `c${i}`),
      effectiveAtMs: T,
    });
    expect(e.id).toBe(adjustmentId('a1', '2026-11-27', 2));
    expect(e.id).not.toBe(adjustmentId('a1', '2026-11-27', 1));
    expect(e.postings).toEqual([
      { account: 'receivable:a1:energy', amountMinor: -40n },
      { account: 'revenue:energy', amountMinor: 40n },
    ]);
    expect(e).toMatchObject({ kind: 'adjustment', reasonCode: 'fallback-price' });
    expect(e.externalRef).toBe('rerate:a1:2026-11-27:2');
    expect(e.memo).toBe(
      're-rating 2026-11-27 gateway gw-1: central 50 − edge 100 − earlier adjustments -10 = ' +
        '-40; 22 of 96 intervals differ (fallback-price); charges ' +
        `${Array.from({ length: 20 }, (_, i) => `c${i}`).join(',')} and 2 more`,
    );
  });
});

describe('touched ranges', () => {
  it('widens touched UTC days by the lookback and one day, per gateway', () => {
    const got = touchedRanges([
      { gatewayId: 'gw-2', atMs: T },
      { gatewayId: 'gw-1', atMs: T },
      { gatewayId: 'gw-1', atMs: Date.UTC(2026, 10, 27, 23) },
    ]);
    expect(got).toEqual([
      { gatewayId: 'gw-1', fromDay: '2026-11-20', toDay: '2026-11-28' },
      { gatewayId: 'gw-2', fromDay: '2026-11-20', toDay: '2026-11-28' },
    ]);
  });

  it('splits long spans into ranges of at most 92 days', () => {
    const got = splitRange('gw', '2026-01-01', '2026-12-31');
    expect(got.map((r) => `${r.fromDay}..${r.toDay}`)).toEqual([
      '2026-01-01..2026-04-02',
      '2026-04-03..2026-07-03',
      '2026-07-04..2026-10-03',
      '2026-10-04..2026-12-31',
    ]);
  });
});
