import {
  type CompiledVersion,
  createIncrementalRater,
  type IncrementalRater,
  type PeriodState,
} from '@gridbill/shared/tariff';
import { addDays, localMidnightUtcMs, localParts } from '@gridbill/shared/time';
import type { IntervalRater, RateContext, RateInput, RateResult } from './rater.js';
import { postAmount, type RunningTotal } from './running-total.js';

/**
 * Running rating state per meter and tariff: the kernel's period state and the running total
 * (`running-total.ts`: numbers while safe, bigints beyond). The checkpoint JSON (`toJSON`)
 * holds the totals as decimal strings, e.g. { totalNano: '125000000', postedMinor: '13' }; a
 * state parsed from a checkpoint converts them on its first `rate`.
 */
export interface TariffRatingState extends RunningTotal {
  period: PeriodState;
}

/** Checkpoint form of a state: the totals as decimal strings (JSON has no bigint). */
function stateJson(this: TariffRatingState) {
  return {
    period: this.period,
    totalNano: String(this.totalNano),
    postedMinor: String(this.postedMinor),
  };
}

/** Gives a state its `toJSON` (not enumerable, so a copy made by spreading stays plain). */
function withJson(state: TariffRatingState): TariffRatingState {
  Object.defineProperty(state, 'toJSON', { value: stateJson, enumerable: false });
  return state;
}

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
  // per tariff, per meter: nested maps, so no key string is built per interval
  const drivers = new Map<string, Map<string, IncrementalRater>>();
  const versionsOf = (tariffId: string) => {
    const v = tariffs.get(tariffId);
    if (!v || v.length === 0) throw new Error(`unknown tariff "${tariffId}"`);
    return v;
  };
  const driverFor = (ctx: RateContext) => {
    let byMeter = drivers.get(ctx.tariffId);
    if (!byMeter) {
      byMeter = new Map();
      drivers.set(ctx.tariffId, byMeter);
    }
    let d = byMeter.get(ctx.meterId);
    if (!d) {
      const versions = versionsOf(ctx.tariffId);
      d = createIncrementalRater({
        versions,
        meterId: ctx.meterId,
        intervalSeconds: ctx.intervalSeconds,
      });
      byMeter.set(ctx.meterId, d);
    }
    return d;
  };
  const versionAt = (tariffId: string, startMs: number) =>
    tariffs.get(tariffId)?.find((v) => v.fromMs <= startMs && startMs < v.toMs);
  return {
    versionFor: (tariffId, startMs) => versionAt(tariffId, startMs)?.versionId,
    initialState: (ctx, startMs): TariffRatingState =>
      withJson({
        period: openMonth(driverFor(ctx), versionsOf(ctx.tariffId), startMs),
        totalNano: 0,
        postedMinor: 0,
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
  if (typeof state.totalNano === 'string') withJson(state);
  if (input.startMs >= state.period.toMs) {
    const { carry } = driver.close(state.period);
    state.period = openMonth(driver, versions, input.startMs, carry);
  }
  // `step`, not `charge`: the charge id is derived where it is read (chargeId in the kernel)
  const amountNano = driver.step(state.period, input.startMs, input.energyWh, input.qualityBits);
  if (!Number.isSafeInteger(amountNano))
    throw new Error(`kernel amount ${amountNano} is not an integer number of nano units`);
  const versionId = state.period.segments[state.period.seg]!.versionId;
  const version = versions.find((v) => v.versionId === versionId) ?? versions[0]!;
  const amountMinor = postAmount(state, amountNano, version.exponent, version.rounding);
  return { versionId, amountMinor, priceSource: 'tariff' };
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
