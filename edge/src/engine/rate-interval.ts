import { flagsToBits } from '@gridbill/shared/interval-pack';
import type { BlockCharge, IntervalBlockBuilder } from '@gridbill/shared/sync';
import type { IntervalDelta } from '@gridbill/shared/vee';
import { type Engine, type MeterInfo, ratingKey } from './engine.js';
import { raiseAlarm } from './events.js';
import type { RateInput } from './rater.js';

/** A charge as rated; its id is not hashed here but derived where it is read. */
export type IntervalCharge = BlockCharge;

/**
 * Rates one new interval (the caller checked it is not stored yet): the version is chosen by
 * the interval's start, the balance moves in memory and the movement is noted in the cycle's
 * block. The charge id is not computed here: it is the kernel's deterministic
 * `chargeId(meter, interval start, tariff version)`, derived where a charge is read (central
 * from the block row, the store's `charges` view by `gridbill_charge_id`). The caller stores
 * the charge with its interval in the cycle record; the meter's interval mark (`MeterLog`)
 * makes "rated exactly once" hold.
 *
 * @example
 * rateInterval(engine, meter, { startMs: 0, endMs: 900_000, energyWh: 250, flags: [] }, block)
 * // → { accountId: 'a1', tariffVersionId: 'flat@v1', amountMinor: 500n,
 * //      priceSource: 'tariff' }, or null when no tariff version is in force
 */
export function rateInterval(
  engine: Engine,
  meter: MeterInfo,
  interval: IntervalDelta,
  block: IntervalBlockBuilder,
): IntervalCharge | null {
  const account = engine.accounts.get(meter.config.accountId);
  if (!account) return null;
  const { rater } = engine.deps;
  const versionId = rater.versionFor(account.tariffId, interval.startMs);
  if (!versionId) {
    noVersion(engine, meter, account.tariffId, interval.startMs);
    return null;
  }
  const { key, ctx } = ratingTarget(meter, account.tariffId);
  const state =
    engine.rating.forUpdate(key, interval.startMs) ??
    engine.rating.start(key, interval.startMs, rater.initialState(ctx, interval.startMs));
  const input = INPUT; // the rater reads it during `rate` only: one object, filled per call
  input.startMs = interval.startMs;
  input.endMs = interval.endMs;
  input.energyWh = interval.energyWh;
  input.qualityBits = interval.flags.length === 0 ? 0 : flagsToBits(interval.flags);
  const result = rater.rate(ctx, state, input);
  notePrice(engine, account.id, result.amountMinor, interval.energyWh);
  const after = engine.balanceOf(account.id) - result.amountMinor;
  engine.balances.set(account.id, after);
  block.noteBalance(account.id, -result.amountMinor, after);
  return {
    accountId: account.id,
    tariffVersionId: result.versionId,
    amountMinor: result.amountMinor,
    priceSource: result.priceSource,
  };
}

const INPUT: RateInput = { startMs: 0, endMs: 0, energyWh: 0, qualityBits: 0 };

/** The account's last unit price (changed in place: one object per account). */
function notePrice(engine: Engine, accountId: string, amountMinor: bigint, energyWh: number) {
  const last = engine.lastPrice.get(accountId);
  if (!last) engine.lastPrice.set(accountId, { amountMinor, energyWh });
  else {
    last.amountMinor = amountMinor;
    last.energyWh = energyWh;
  }
}

/** The meter's rating state key and rater context on a tariff (cached on the meter). */
function ratingTarget(meter: MeterInfo, tariffId: string) {
  let target = meter.rating.get(tariffId);
  if (!target) {
    const meterId = meter.config.id;
    const ctx = { meterId, tariffId, intervalSeconds: meter.config.intervalSeconds };
    target = { key: ratingKey(meterId, tariffId), ctx };
    meter.rating.set(tariffId, target);
  }
  return target;
}

function noVersion(engine: Engine, meter: MeterInfo, tariffId: string, startMs: number): void {
  raiseAlarm(engine, {
    code: 'no-tariff-version',
    severity: 'critical',
    meterId: meter.config.id,
    message: `no version of tariff ${tariffId} in force at ${startMs}; interval not rated`,
    key: [meter.config.id, startMs],
  });
}
