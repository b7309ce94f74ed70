import type { IntervalDelta } from '@gridbill/shared/vee';
import { raiseAlarm } from './events.js';
import { postBalanceChange } from './events.js';
import { type Engine, type MeterInfo, ratingKey } from './engine.js';

/**
 * Rates one accepted interval exactly once: the charge id is deterministic from (meter,
 * interval start, tariff version) and the charge row is inserted with INSERT OR IGNORE, so a
 * replayed interval posts nothing. The version is chosen by the interval's start time.
 *
 * @example
 * rateInterval(engine, meter, { startMs: 0, endMs: 900_000, energyWh: 250, flags: [] })
 * // → true (charged), false when already rated or no tariff version is in force
 */
export function rateInterval(engine: Engine, meter: MeterInfo, interval: IntervalDelta): boolean {
  const account = engine.accounts.get(meter.config.accountId);
  if (!account) return false;
  const { rater, contentId } = engine.deps;
  const versionId = rater.versionFor(account.tariffId, interval.startMs);
  if (!versionId) {
    raiseAlarm(engine, {
      code: 'no-tariff-version',
      severity: 'critical',
      meterId: meter.config.id,
      message: `no version of tariff ${account.tariffId} in force at ${interval.startMs}`,
      key: [meter.config.id, interval.startMs],
    });
    return false;
  }
  const chargeId = contentId('charge', meter.config.id, interval.startMs, versionId);
  const key = ratingKey(account.id, versionId);
  const result = rater.rate(versionId, engine.rating.get(key), interval);
  const inserted = engine.stmts.insertCharge.run(
    chargeId,
    meter.config.id,
    account.id,
    interval.startMs,
    versionId,
    interval.energyWh,
    result.amountMinor.toString(),
  ).changes;
  if (inserted === 0) return false;
  engine.rating.set(key, result.state);
  engine.lastPrice.set(account.id, {
    amountMinor: result.amountMinor,
    energyWh: interval.energyWh,
  });
  appendCharge(engine, meter, { ...interval, chargeId, versionId, ...result });
  postBalanceChange(engine, {
    accountId: account.id,
    entryId: chargeId,
    entryKind: 'charge',
    deltaMinor: -result.amountMinor,
    reference: `charge:${meter.config.id}:${interval.startMs}:${versionId}`,
  });
  return true;
}

function appendCharge(
  engine: Engine,
  meter: MeterInfo,
  c: IntervalDelta & {
    chargeId: string;
    versionId: string;
    amountMinor: bigint;
    priceSource: 'tariff' | 'fallback';
  },
): void {
  const body = {
    chargeId: c.chargeId,
    accountId: meter.config.accountId,
    meterId: meter.config.id,
    intervalStartMs: c.startMs,
    intervalSeconds: (c.endMs - c.startMs) / 1000,
    energyWh: c.energyWh,
    amountMinor: c.amountMinor,
    currency: engine.deps.config.currency,
    tariffVersionId: c.versionId,
    priceSource: c.priceSource,
  };
  engine.outbox.append({ kind: 'charge', eventId: c.chargeId, body }, engine.time());
}
