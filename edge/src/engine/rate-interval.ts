import { flagsToBits } from '@gridbill/shared/interval-pack';
import { chargeId as tariffChargeId } from '@gridbill/shared/tariff';
import type { IntervalDelta } from '@gridbill/shared/vee';
import { type Engine, type MeterInfo, ratingKey } from './engine.js';
import { postBalanceChange, raiseAlarm } from './events.js';
import type { RateResult } from './rater.js';

/**
 * Rates one accepted interval exactly once: the charge id is the kernel's deterministic
 * `chargeId(meter, interval start, tariff version)` (the same on central) and the charge row is
 * inserted with INSERT OR IGNORE, so a replayed interval posts nothing. The version is chosen
 * by the interval's start time.
 *
 * @example
 * rateInterval(engine, meter, { startMs: 0, endMs: 900_000, energyWh: 250, flags: [] })
 * // → true (charged), false when already rated or no tariff version is in force
 */
export function rateInterval(engine: Engine, meter: MeterInfo, interval: IntervalDelta): boolean {
  const account = engine.accounts.get(meter.config.accountId);
  if (!account) return false;
  const { rater } = engine.deps;
  const versionId = rater.versionFor(account.tariffId, interval.startMs);
  if (!versionId) {
    noVersion(engine, meter, account.tariffId, interval.startMs);
    return false;
  }
  const chargeId = tariffChargeId(meter.config.id, interval.startMs, versionId);
  const exists = engine.stmts.chargeExists.get(interval.startMs, meter.config.id, versionId);
  if (exists) return false;
  const ctx = {
    meterId: meter.config.id,
    tariffId: account.tariffId,
    intervalSeconds: meter.config.intervalSeconds,
  };
  const state = engine.rating.forUpdate(ratingKey(ctx.meterId, ctx.tariffId), () =>
    rater.initialState(ctx, interval.startMs),
  );
  const input = { ...interval, qualityBits: flagsToBits(interval.flags) };
  const result = rater.rate(ctx, state, input);
  engine.stmts.insertCharge.run(
    chargeId,
    meter.config.id,
    account.id,
    interval.startMs,
    result.versionId,
    interval.energyWh,
    result.amountMinor.toString(),
  );
  engine.lastPrice.set(account.id, {
    amountMinor: result.amountMinor,
    energyWh: interval.energyWh,
  });
  appendCharge(engine, meter, interval, chargeId, result);
  postBalanceChange(engine, {
    accountId: account.id,
    entryId: chargeId,
    entryKind: 'charge',
    deltaMinor: -result.amountMinor,
    reference: `charge:${meter.config.id}:${interval.startMs}:${result.versionId}`,
  });
  return true;
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

function appendCharge(
  engine: Engine,
  meter: MeterInfo,
  iv: IntervalDelta,
  chargeId: string,
  r: RateResult,
): void {
  const body = {
    chargeId,
    accountId: meter.config.accountId,
    meterId: meter.config.id,
    intervalStartMs: iv.startMs,
    intervalSeconds: (iv.endMs - iv.startMs) / 1000,
    energyWh: iv.energyWh,
    amountMinor: r.amountMinor.toString(),
    currency: engine.deps.config.currency,
    tariffVersionId: r.versionId,
    priceSource: r.priceSource,
  };
  engine.outbox.append({ kind: 'charge', eventId: chargeId, body }, engine.time());
}
