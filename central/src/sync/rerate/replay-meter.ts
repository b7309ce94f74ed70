import { divRound } from '@gridbill/shared/money';
import {
  type Accumulators,
  type CompiledVersion,
  createIncrementalRater,
  type IncrementalRater,
  type PeriodState,
} from '@gridbill/shared/tariff';
import { addDays, daysInMonth, localMidnightUtcMs, localParts } from '@gridbill/shared/time';

/** One interval of one meter to re-rate (UTC ms, integer Wh). */
export interface ReplayInterval {
  startMs: number;
  energyWh: number;
}

/** Central's charge for one interval; `versionId` null = no central version in force. */
export interface ReplayCharge {
  startMs: number;
  versionId: string | null;
  amountMinor: bigint;
}

const NANO_DIGITS = 9;

/**
 * Re-rates one meter's intervals (chronological, each start once) exactly as the gateway does
 * (`edge/src/engine/tariff-rater.ts`): the shared incremental driver, billing periods are
 * calendar months in the tariff's zone with tier accumulators carried across, and the 1e-9
 * amounts are rounded once on the running total since the first interval with the version's
 * rounding rule (charge = rounded total − already charged). Intervals no central version
 * covers get `versionId: null`, amount 0n, and are not fed to the driver.
 *
 * @example
 * // flat 0.20/kWh (USD), 250 Wh then 250 Wh → 50_000_000 nano each
 * replayMeter(versions, 'm1', 900, [{ startMs: t, energyWh: 250 }, { startMs: t2, energyWh: 250 }])
 * // → [{ startMs: t, versionId: 'v1', amountMinor: 5n }, { startMs: t2, …, amountMinor: 5n }]
 */
export function replayMeter(
  versions: readonly CompiledVersion[],
  meterId: string,
  intervalSeconds: number,
  intervals: readonly ReplayInterval[],
  start?: ReplayCheckpoint,
): ReplayCharge[] {
  return replayWithCheckpoints(versions, meterId, intervalSeconds, intervals, start).charges;
}

/** Replay state just before the first interval of the local month starting at `monthStartMs`. */
export interface ReplayCheckpoint {
  monthStartMs: number;
  /** tier accumulators carried from the previous period (JSON) */
  carry: Accumulators;
  totalNano: bigint;
  postedMinor: bigint;
}

/**
 * `replayMeter` that can start from a checkpoint (the intervals then begin at or after its
 * month start) and returns a checkpoint at every month it enters after the first.
 * Example: intervals over July and August from scratch → charges of both months and one
 *   checkpoint { monthStartMs: <Aug 1 local>, carry, totalNano, postedMinor }.
 */
export function replayWithCheckpoints(
  versions: readonly CompiledVersion[],
  meterId: string,
  intervalSeconds: number,
  intervals: readonly ReplayInterval[],
  start?: ReplayCheckpoint,
): { charges: ReplayCharge[]; checkpoints: ReplayCheckpoint[] } {
  const driver = createIncrementalRater({ versions, meterId, intervalSeconds });
  let period: PeriodState | null = null;
  let totalNano = start?.totalNano ?? 0n;
  let postedMinor = start?.postedMinor ?? 0n;
  const out: ReplayCharge[] = [];
  const checkpoints: ReplayCheckpoint[] = [];
  for (const iv of intervals) {
    const version = versions.find((v) => v.fromMs <= iv.startMs && iv.startMs < v.toMs);
    if (!version) {
      out.push({ startMs: iv.startMs, versionId: null, amountMinor: 0n });
      continue;
    }
    if (period === null) period = openMonth(driver, versions, iv.startMs, copyCarry(start?.carry));
    else if (iv.startMs >= period.toMs) {
      const { carry } = driver.close(period);
      period = openMonth(driver, versions, iv.startMs, carry);
      const saved = copyCarry(carry) ?? {};
      checkpoints.push({ monthStartMs: period.fromMs, carry: saved, totalNano, postedMinor });
    }
    const charge = driver.charge(period, iv.startMs, iv.energyWh);
    const used = versions.find((v) => v.versionId === charge.versionId) ?? version;
    totalNano += BigInt(charge.amountNano);
    const scale = 10n ** BigInt(NANO_DIGITS - used.exponent);
    const roundedMinor = divRound(totalNano, scale, used.rounding);
    out.push({
      startMs: iv.startMs,
      versionId: charge.versionId,
      amountMinor: roundedMinor - postedMinor,
    });
    postedMinor = roundedMinor;
  }
  return { charges: out, checkpoints };
}

/** Opens the calendar month (local to the tariff) that contains `startMs`, as the edge does. */
function openMonth(
  driver: IncrementalRater,
  versions: readonly CompiledVersion[],
  startMs: number,
  carry?: Accumulators,
): PeriodState {
  const zone = (versions.find((v) => v.fromMs <= startMs) ?? versions[0]!).timeZone;
  const local = localParts(startMs, zone);
  const firstKey = `${local.dateKey.slice(0, 8)}01`;
  const nextKey = addDays(firstKey, daysInMonth(local.year, local.month));
  return driver.open(localMidnightUtcMs(firstKey, zone), localMidnightUtcMs(nextKey, zone), carry);
}

const copyCarry = (carry: Accumulators | undefined): Accumulators | undefined =>
  carry === undefined ? undefined : (JSON.parse(JSON.stringify(carry)) as Accumulators);
