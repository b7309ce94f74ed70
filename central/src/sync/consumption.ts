import { decodeIntervalDay, INTERVAL_FLAG_BITS } from '@gridbill/shared/interval-pack';
import type { SyncDb } from './sync-schema.js';

/** One point of a consumption chart: interval start (UTC ms) and energy summed over meters. */
export interface ConsumptionPoint {
  startMs: number;
  energyWh: number;
}

/**
 * Interval energy of some meters since `fromMs`, summed per interval start, from the packed
 * meter-channel-day rows the gateways synced (channel 0, import). Missing slots are left out.
 * Example: two meters with 120 and 80 Wh in the 10:00 slot →
 * `[{ startMs: <10:00 in UTC ms>, energyWh: 200 }]`.
 */
export async function consumptionSeries(
  db: SyncDb,
  meterIds: readonly string[],
  fromMs: number,
): Promise<ConsumptionPoint[]> {
  if (meterIds.length === 0) return [];
  const rows = await db
    .selectFrom('interval_days')
    .select(['day_start_ms', 'packed'])
    .where('meter_id', 'in', [...meterIds])
    .where('channel', '=', 0n)
    .where('day_start_ms', '>=', BigInt(fromMs - 86_400_000))
    .execute();
  const sums = new Map<number, number>();
  for (const row of rows) {
    const day = decodeIntervalDay(new Uint8Array(row.packed));
    const stepMs = day.intervalSeconds * 1000;
    day.valuesWh.forEach((wh, slot) => {
      const startMs = Number(row.day_start_ms) + slot * stepMs;
      const missing = (day.flags[slot]! & INTERVAL_FLAG_BITS.missing) !== 0;
      if (missing || startMs < fromMs) return;
      sums.set(startMs, (sums.get(startMs) ?? 0) + wh);
    });
  }
  const points = [...sums].map(([startMs, energyWh]) => ({ startMs, energyWh }));
  return points.sort((a, b) => a.startMs - b.startMs);
}
