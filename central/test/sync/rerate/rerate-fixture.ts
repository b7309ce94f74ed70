import { contentId } from '@gridbill/shared/ids';
import {
  type CompiledVersion,
  chargeId,
  compileTariff,
  parseTariffVersion,
  type TariffVersion,
} from '@gridbill/shared/tariff';
import { localMidnightUtcMs } from '@gridbill/shared/time';
import type { WireEvent } from '../sync-harness.js';

export const ZONE = 'Africa/Nairobi';
export const DAY_26 = localMidnightUtcMs('2026-11-26', ZONE);
export const DAY_27 = localMidnightUtcMs('2026-11-27', ZONE);
const STEP = 900_000;

/** Monthly two-step ladder in KES; `rate` per kWh for the first 5 kWh, +4.35 above. */
export function ladderVersion(versionId: string, effectiveFrom: string, rate: string) {
  return parseTariffVersion({
    format: 'gridbill-tariff/v1',
    tariffId: 'res',
    versionId,
    effectiveFrom,
    timeZone: ZONE,
    currency: 'KES',
    rounding: 'half-up',
    periods: ['all'],
    components: [
      {
        kind: 'energy',
        id: 'energy',
        description: 'Energy, monthly ladder',
        rates: { '*': rate },
        tiers: {
          scope: 'month',
          limitsKwh: ['5'],
          allocation: 'chronological',
          adders: ['0', '4.35'],
        },
      },
    ],
  });
}

/** Published 15-minute prices for 2026-11-27 (the first `count` of the day), fallback 30. */
export function dynamicVersion(count: number) {
  const prices = Array.from({ length: count }, (_, i) => {
    const cents = String((i * 37) % 100).padStart(2, '0');
    return `${18 + (i % 7)}.${cents}`;
  });
  return parseTariffVersion({
    format: 'gridbill-tariff/v1',
    tariffId: 'dyn',
    versionId: 'dyn-1',
    effectiveFrom: '2026-11-01',
    timeZone: ZONE,
    currency: 'KES',
    rounding: 'half-up',
    periods: ['all'],
    components: [
      {
        kind: 'dynamic',
        id: 'unit',
        description: 'Energy at published prices',
        stepSeconds: 900,
        series: [{ start: '2026-11-27T00:00:00+03:00', prices }],
        fallbackRate: '30',
      },
    ],
  });
}

/** 192 intervals over 2026-11-26 and 27 with varied energy (Wh). */
export function twoDays(seed: number): { startMs: number; energyWh: number }[] {
  return Array.from({ length: 192 }, (_, i) => ({
    startMs: DAY_26 + i * STEP,
    energyWh: 40 + ((i * 53 + seed * 17) % 260),
  }));
}

interface EdgeRater {
  initialState(ctx: unknown, startMs: number): unknown;
  rate(
    ctx: unknown,
    state: unknown,
    input: { startMs: number; endMs: number; energyWh: number; qualityBits: number },
  ): { versionId: string; amountMinor: bigint };
}

/** The gateway's rater (`edge/src/engine/tariff-rater.ts`), loaded by URL. */
const edgeRaterUrl = new URL('../../../../edge/src/engine/tariff-rater.ts', import.meta.url);

export interface EdgeRated {
  startMs: number;
  energyWh: number;
  versionId: string;
  amountMinor: bigint;
}

/** Rates intervals exactly as a gateway holding `docs` would. */
export async function edgeRate(
  docs: TariffVersion[],
  meterId: string,
  intervals: { startMs: number; energyWh: number }[],
): Promise<EdgeRated[]> {
  const mod = (await import(edgeRaterUrl.href)) as {
    createTariffRater(m: Map<string, CompiledVersion[]>): EdgeRater;
  };
  const tariffId = docs[0]!.tariffId;
  const rater = mod.createTariffRater(new Map([[tariffId, compileTariff(docs)]]));
  const ctx = { meterId, tariffId, intervalSeconds: 900 };
  const state = rater.initialState(ctx, intervals[0]!.startMs);
  return intervals.map((iv) => {
    const input = { ...iv, endMs: iv.startMs + STEP, qualityBits: 0 };
    const r = rater.rate(ctx, state, input);
    return { ...iv, versionId: r.versionId, amountMinor: r.amountMinor };
  });
}

/** Σ amounts of intervals starting in [fromMs, fromMs + 1 day). */
export function daySum(rated: EdgeRated[], fromMs: number): bigint {
  return rated
    .filter((r) => r.startMs >= fromMs && r.startMs < fromMs + 86_400_000)
    .reduce((s, r) => s + r.amountMinor, 0n);
}

/** Charge events as the gateway sends them (event id = charge id). */
export function chargeEvents(
  firstSeq: number,
  accountId: string,
  meterId: string,
  rated: EdgeRated[],
  fallback: (startMs: number) => boolean = () => false,
): WireEvent[] {
  return rated.map((r, i) => {
    const id = chargeId(meterId, r.startMs, r.versionId);
    return {
      seq: firstSeq + i,
      eventId: id,
      occurredAtMs: r.startMs + STEP,
      clockTrusted: true,
      kind: 'charge',
      body: {
        chargeId: id,
        accountId,
        meterId,
        intervalStartMs: r.startMs,
        intervalSeconds: 900,
        energyWh: r.energyWh,
        amountMinor: r.amountMinor.toString(),
        currency: 'KES',
        tariffVersionId: r.versionId,
        priceSource: fallback(r.startMs) ? 'fallback' : 'tariff',
      },
    };
  });
}

/** Interval events matching the charges (so the packed day rows exist too). */
export function intervalEvents(firstSeq: number, meterId: string, rated: EdgeRated[]) {
  return rated.map((r, i) => ({
    seq: firstSeq + i,
    eventId: contentId('interval', meterId, 0, r.startMs),
    occurredAtMs: r.startMs + STEP,
    clockTrusted: true,
    kind: 'interval',
    body: {
      meterId,
      channel: 0,
      intervalStartMs: r.startMs,
      intervalSeconds: 900,
      energyWh: r.energyWh,
      qualityFlags: 0,
    },
  }));
}
