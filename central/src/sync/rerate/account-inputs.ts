import { INTERVAL_FLAG_BITS, decodeIntervalDay } from '@gridbill/shared/interval-pack';
import { type CompiledVersion, compileTariff, readTariffDocument } from '@gridbill/shared/tariff';
import type { SyncDb } from '../sync-schema.js';
import { intervalKey } from './compare-account.js';

/** What re-rating needs to know about an account at central. */
export interface AccountTariff {
  accountId: string;
  tariffId: string;
  versions: CompiledVersion[];
  /** Site time zone (the premise's; the tariff's when the account has no premise). */
  timeZone: string;
}

/**
 * Central's tariff versions for an account: its assigned tariff, or (none assigned) the
 * tariff of the version the edge used. Null with a reason when central cannot re-rate.
 * Example: account a1 on tariff 'res' with versions tv-1, tv-2 →
 *   { tariffId: 'res', versions: [tv-1, tv-2 compiled], timeZone: 'Africa/Nairobi' }.
 */
export async function accountTariff(
  db: SyncDb,
  accountId: string,
  edgeVersionId: string,
): Promise<AccountTariff | { skip: string }> {
  const account = await db
    .selectFrom('accounts')
    .leftJoin('premises', 'premises.id', 'accounts.premise_id')
    .select(['accounts.tariff_id', 'premises.time_zone'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
  if (!account) return { skip: `account ${accountId} is unknown at central` };
  let tariffId = account.tariff_id;
  if (!tariffId) {
    const v = await db
      .selectFrom('tariff_versions')
      .select('tariff_id')
      .where('id', '=', edgeVersionId)
      .executeTakeFirst();
    tariffId = v?.tariff_id ?? null;
  }
  if (!tariffId) return { skip: `account ${accountId} has no tariff at central` };
  const docs = await db
    .selectFrom('tariff_versions')
    .select('document')
    .where('tariff_id', '=', tariffId)
    .orderBy('effective_from_ms')
    .execute();
  if (docs.length === 0) return { skip: `tariff ${tariffId} has no versions at central` };
  let versions: CompiledVersion[];
  try {
    versions = compileTariff(docs.flatMap((d) => readTariffDocument(JSON.parse(d.document))));
  } catch (err) {
    return { skip: `tariff ${tariffId} cannot be compiled: ${(err as Error).message}` };
  }
  const timeZone = account.time_zone ?? versions[0]!.timeZone;
  return { accountId, tariffId, versions, timeZone };
}

const DAY_MS = 86_400_000;

/**
 * Intervals whose packed day row (channel 0) carries the clock-untrusted flag, as
 * `intervalKey`s, for some meters and [fromMs, toMs).
 * Example: m1's row of 2026-11-27 with flag 128 in slot 4 → Set { 'm1|<day + 3 600 000>' }.
 */
export async function clockUntrusted(
  db: SyncDb,
  meterIds: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<Set<string>> {
  const out = new Set<string>();
  if (meterIds.length === 0) return out;
  const rows = await db
    .selectFrom('interval_days')
    .select(['meter_id', 'day_start_ms', 'packed'])
    .where('meter_id', 'in', [...meterIds])
    .where('channel', '=', 0n)
    .where('day_start_ms', '>=', BigInt(fromMs - DAY_MS))
    .where('day_start_ms', '<', BigInt(toMs))
    .execute();
  const bit = INTERVAL_FLAG_BITS['clock-untrusted'];
  for (const row of rows) {
    const day = decodeIntervalDay(new Uint8Array(row.packed));
    const stepMs = day.intervalSeconds * 1000;
    day.flags.forEach((flags, slot) => {
      if ((flags & bit) === 0) return;
      out.add(intervalKey(row.meter_id, Number(row.day_start_ms) + slot * stepMs));
    });
  }
  return out;
}
