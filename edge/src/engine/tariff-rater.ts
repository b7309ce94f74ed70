import { divRound } from '@gridbill/shared/money';
import {
  type CompiledVersion,
  createIncrementalRater,
  type IncrementalRater,
  type PeriodState,
} from '@gridbill/shared/tariff';
import { addDays, localMidnightUtcMs, localParts } from '@gridbill/shared/time';
import type { IntervalRater, RateContext, RateInput, RateResult } from './rater.js';

/** Running rating state per meter and tariff (JSON; persisted each cycle). */
export interface TariffRatingState {
  period: PeriodState;
  /** Kernel amounts since the meter started, in 1e-9 currency (decimal string). */
  totalNano: string;
  /** Minor units already posted as charges (decimal string). */
  postedMinor: string;
}

const NANO_DIGITS = 9;

/**
 * Adapts the shared kernel's incremental driver (`createIncrementalRater`) to the gateway:
 * billing periods are calendar months in the tariff's time zone (tiers restart each month),
 * and the kernel's 1e-9 amounts are rounded once, on the running total, with the version's
 * rounding rule — so the charges posted always sum to the rounded total (no drift).
 *
 * @example
 * // 250 Wh at 0.20/kWh = 50_000_000 nano → 5 minor (USD, exponent 2)
 * rater.rate(ctx, state, { startMs, endMs, energyWh: 250, qualityBits: 0 }).amountMinor // 5n
 */
export function createTariffRater(tariffs: ReadonlyMap<string, CompiledVersion[]>): IntervalRater {
  const drivers = new Map<string, IncrementalRater>();
  const versionsOf = (tariffId: string) => {
    const v = tariffs.get(tariffId);
    if (!v || v.length === 0) throw new Error(`unknown tariff "${tariffId}"`);
    return v;
  };
  const driverFor = (ctx: RateContext) => {
    const key = `${ctx.meterId}\n${ctx.tariffId}`;
    let d = drivers.get(key);
    if (!d) {
      const versions = versionsOf(ctx.tariffId);
      d = createIncrementalRater({
        versions,
        meterId: ctx.meterId,
        intervalSeconds: ctx.intervalSeconds,
      });
      drivers.set(key, d);
    }
    return d;
  };
  const versionAt = (tariffId: string, startMs: number) =>
    tariffs.get(tariffId)?.find((v) => v.fromMs <= startMs && startMs < v.toMs);
  return {
    versionFor: (tariffId, startMs) => versionAt(tariffId, startMs)?.versionId,
    initialState: (ctx, startMs): TariffRatingState => ({
      period: openMonth(driverFor(ctx), versionsOf(ctx.tariffId), startMs),
      totalNano: '0',
      postedMinor: '0',
    }),
    rate: (ctx, raw, input) => rateOne(driverFor(ctx), versionsOf(ctx.tariffId), raw, input),
  };
}

function rateOne(
  driver: IncrementalRater,
  versions: readonly CompiledVersion[],
  raw: unknown,
  input: RateInput,
): RateResult {
  const state = raw as TariffRatingState;
  if (input.startMs >= state.period.toMs) {
    const { carry } = driver.close(state.period);
    state.period = openMonth(driver, versions, input.startMs, carry);
  }
  const charge = driver.charge(state.period, input.startMs, input.energyWh, input.qualityBits);
  if (!Number.isSafeInteger(charge.amountNano))
    throw new Error(`kernel amount ${charge.amountNano} is not an integer number of nano units`);
  const version = versions.find((v) => v.versionId === charge.versionId) ?? versions[0]!;
  const totalNano = BigInt(state.totalNano) + BigInt(charge.amountNano);
  const scale = 10n ** BigInt(NANO_DIGITS - version.exponent);
  const roundedMinor = divRound(totalNano, scale, version.rounding);
  const amountMinor = roundedMinor - BigInt(state.postedMinor);
  state.totalNano = totalNano.toString();
  state.postedMinor = roundedMinor.toString();
  return { versionId: charge.versionId, amountMinor, priceSource: 'tariff' };
}

/** Opens the calendar month (local to the tariff) that contains `startMs`. */
function openMonth(
  driver: IncrementalRater,
  versions: readonly CompiledVersion[],
  startMs: number,
  carry?: Parameters<IncrementalRater['open']>[2],
): PeriodState {
  const zone = (versions.find((v) => v.fromMs <= startMs) ?? versions[0]!).timeZone;
  const local = localParts(startMs, zone);
  const firstKey = `${local.dateKey.slice(0, 8)}01`;
  const nextKey = addDays(firstKey, daysIn(local.year, local.month));
  return driver.open(localMidnightUtcMs(firstKey, zone), localMidnightUtcMs(nextKey, zone), carry);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
