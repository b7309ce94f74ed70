import type { Database } from 'better-sqlite3';
import { flagsToBits, type IntervalFlag } from '@gridbill/shared/interval-pack';
import { cycleRecordsAfter } from '../store/cycle-record.js';
import type { MeterInfo } from './engine.js';
import type { RatingEntry } from './rating-states.js';
import type { IntervalRater } from './rater.js';

interface StateRow {
  meter_id: string;
  tariff_id: string;
  state: string;
  through_ms: number | null;
}

interface RatedRow {
  start_ms: number;
  end_ms: number;
  meter_id: string;
  energy_wh: number;
  flags: string;
  tariff_version: string;
  amount_minor: string;
}

/** Key of a rating state entry: `meterId \n tariffId` (ids never contain a newline). */
export function ratingKey(meterId: string, tariffId: string): string {
  return `${meterId}\n${tariffId}`;
}

/**
 * Rebuilds rating states from the store: each checkpoint row, then every rated interval of
 * its meter after `through_ms` rated again through the kernel, in the order they were rated:
 * the older `intervals_v1` rows (one scan in time order), then the cycle records. A
 * replayed amount that differs from the stored charge is a corrupt store: it throws.
 * `keys` limits the rebuild (after a rolled back cycle); undefined rebuilds all rows.
 * `lastIntervalMs` (the meter's last stored interval start, from its marks) skips the replay
 * of checkpoints already through it, so a meter that stopped reporting does not make the
 * replay start at its last checkpoint.
 *
 * @example
 * // checkpoint of m1 through 0, stored charges at 900_000 (5) and 1_800_000 (5)
 * restoreRatingStates(db, rater, meters).get('m1\ntou')
 * // → { state: …, throughMs: 1_800_000, checkpointed: true, sinceCheckpoint: 2 }
 */
export function restoreRatingStates(
  db: Database,
  rater: IntervalRater,
  meters: ReadonlyMap<string, MeterInfo>,
  keys?: readonly string[],
  lastIntervalMs: (meterId: string) => number | null = () => Number.POSITIVE_INFINITY,
): Map<string, RatingEntry> {
  const wanted = keys ? new Set(keys) : undefined;
  const out = new Map<string, RatingEntry>();
  const byMeter = new Map<string, { tariffId: string; entry: RatingEntry }[]>();
  let fromMs = Number.POSITIVE_INFINITY;
  for (const r of db.prepare('SELECT * FROM rating_state').iterate() as Iterable<StateRow>) {
    const key = ratingKey(r.meter_id, r.tariff_id);
    if (wanted && !wanted.has(key)) continue;
    const entry: RatingEntry = {
      state: JSON.parse(r.state),
      throughMs: r.through_ms ?? Number.NEGATIVE_INFINITY,
      checkpointed: r.through_ms !== null,
      sinceCheckpoint: 0,
    };
    out.set(key, entry);
    if (r.through_ms === null) continue;
    const last = lastIntervalMs(r.meter_id);
    if (last === null || last <= r.through_ms) continue; // nothing rated after the checkpoint
    fromMs = Math.min(fromMs, r.through_ms);
    const list = byMeter.get(r.meter_id) ?? [];
    list.push({ tariffId: r.tariff_id, entry });
    byMeter.set(r.meter_id, list);
  }
  if (byMeter.size > 0) replay(db, rater, meters, byMeter, fromMs);
  return out;
}

function replay(
  db: Database,
  rater: IntervalRater,
  meters: ReadonlyMap<string, MeterInfo>,
  byMeter: Map<string, { tariffId: string; entry: RatingEntry }[]>,
  fromMs: number,
): void {
  const rows = db
    .prepare(
      'SELECT start_ms, end_ms, meter_id, energy_wh, flags, tariff_version, amount_minor ' +
        'FROM intervals_v1 WHERE start_ms > ? AND charge_id IS NOT NULL ORDER BY start_ms',
    )
    .iterate(fromMs) as Iterable<RatedRow>;
  for (const iv of rows) replayRow(rater, meters, byMeter, iv);
  for (const { body } of cycleRecordsAfter(db, 0, fromMs)) {
    const i = body.i;
    for (let k = 0; k < i.m.length; k++) {
      const startMs = body.t0 + i.t[k]!;
      if (i.a[k]! < 0 || startMs <= fromMs) continue;
      replayRow(rater, meters, byMeter, {
        start_ms: startMs,
        end_ms: startMs + i.d[k]!,
        meter_id: body.m[i.m[k]!]!,
        energy_wh: i.wh[k]!,
        flags: body.f[i.f[k]!]!,
        tariff_version: body.tv[i.tv[k]!]!,
        amount_minor: i.am[k]!,
      });
    }
  }
}

function replayRow(
  rater: IntervalRater,
  meters: ReadonlyMap<string, MeterInfo>,
  byMeter: Map<string, { tariffId: string; entry: RatingEntry }[]>,
  iv: RatedRow,
): void {
  const meter = meters.get(iv.meter_id);
  for (const { tariffId, entry } of byMeter.get(iv.meter_id) ?? []) {
    if (!meter || iv.start_ms <= entry.throughMs) continue;
    if (rater.versionFor(tariffId, iv.start_ms) !== iv.tariff_version) continue;
    replayOne(rater, meter, tariffId, entry, iv);
  }
}

function replayOne(
  rater: IntervalRater,
  meter: MeterInfo,
  tariffId: string,
  entry: RatingEntry,
  iv: RatedRow,
): void {
  const ctx = { meterId: meter.config.id, tariffId, intervalSeconds: meter.config.intervalSeconds };
  const flags = (iv.flags === '' ? [] : iv.flags.split(',')) as IntervalFlag[];
  const input = {
    startMs: iv.start_ms,
    endMs: iv.end_ms,
    energyWh: iv.energy_wh,
    qualityBits: flagsToBits(flags),
  };
  const result = rater.rate(ctx, entry.state, input);
  if (result.amountMinor.toString() !== iv.amount_minor)
    throw new Error(
      `rating state of meter ${iv.meter_id} (tariff ${tariffId}) does not replay: interval ` +
        `${iv.start_ms} rates ${result.amountMinor}, the store holds ${iv.amount_minor}`,
    );
  entry.throughMs = iv.start_ms;
  entry.sinceCheckpoint += 1;
}
