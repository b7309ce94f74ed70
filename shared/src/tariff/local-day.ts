import { addDays, isHoliday, localMidnightUtcMs, localParts, weekdayOf } from '../time/index.js';
import type { CompiledVersion } from './compile.js';
import type { DayTypeIndex } from './schedule-compile.js';
import { templateFor } from './schedule-compile.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * One local day of one tariff version, with a period table per schedule indexed by minutes
 * elapsed since local midnight: on a 23-hour spring-forward day the table has 1380 entries and
 * elapsed minute 60 is local 02:00 (Europe/London, 2024-03-31).
 */
export interface RatingDay {
  readonly dateKey: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly dayType: DayTypeIndex;
  readonly tables: readonly Uint8Array[];
  /** memoised link to the next local day (filled by `nextDay`) */
  next?: RatingDay;
}

function dayTypeOf(v: CompiledVersion, dateKey: string): DayTypeIndex {
  if (v.holidays && isHoliday(v.holidays, dateKey)) return 3;
  const wd = weekdayOf(dateKey);
  return wd === 6 ? 1 : wd === 7 ? 2 : 0;
}

/** Maps a wall-clock template onto the real minutes of a day whose length is not 24 h. */
function stretch(template: Uint8Array, v: CompiledVersion, startMs: number, endMs: number) {
  const minutes = (endMs - startMs) / MINUTE_MS;
  const table = new Uint8Array(minutes);
  for (let e = 0; e < minutes; e += 15) {
    const wall = localParts(startMs + e * MINUTE_MS, v.timeZone).minuteOfDay;
    for (let k = 0; k < 15 && e + k < minutes; k++) table[e + k] = template[wall + k] ?? 0;
  }
  return table;
}

const caches = new WeakMap<CompiledVersion, Map<string, RatingDay>>();

/** The rating day with date `dateKey` (memoised per version; pure). */
export function ratingDay(v: CompiledVersion, dateKey: string): RatingDay {
  let cache = caches.get(v);
  if (!cache) caches.set(v, (cache = new Map()));
  const hit = cache.get(dateKey);
  if (hit) return hit;
  const [year, month, day] = dateKey.split('-').map((x) => Number.parseInt(x, 10)) as [
    number,
    number,
    number,
  ];
  const startMs = localMidnightUtcMs(dateKey, v.timeZone);
  const endMs = localMidnightUtcMs(addDays(dateKey, 1), v.timeZone);
  const dayType = dayTypeOf(v, dateKey);
  const tables = v.schedules.map((s) => {
    const template = templateFor(s, month, day, dayType);
    return endMs - startMs === DAY_MS ? template : stretch(template, v, startMs, endMs);
  });
  const result: RatingDay = {
    dateKey,
    year,
    month,
    day,
    startMs,
    endMs,
    dayType,
    tables,
    next: undefined,
  };
  cache.set(dateKey, result);
  return result;
}

/** The day after `day` (memoised link, no Intl call). */
export function nextDay(v: CompiledVersion, day: RatingDay): RatingDay {
  if (!day.next) day.next = ratingDay(v, addDays(day.dateKey, 1));
  return day.next;
}

/**
 * The rating day containing the instant `ms` (one Intl call, then memoised by date; the date of
 * an instant is memoised too, bounded, because bill starts repeat across meters).
 */
export function ratingDayAt(v: CompiledVersion, ms: number): RatingDay {
  return ratingDay(v, localDateKey(v.timeZone, ms));
}

const dateKeys = new Map<string, Map<number, string>>();

/**
 * The local date of an instant, memoised (bounded, keyed by zone then by the number itself: no
 * key text built per call) because bill bounds repeat across meters.
 */
export function localDateKey(timeZone: string, ms: number): string {
  let byMs = dateKeys.get(timeZone);
  if (!byMs) dateKeys.set(timeZone, (byMs = new Map()));
  let hit = byMs.get(ms);
  if (hit === undefined) {
    if (byMs.size > 50_000) byMs.clear();
    hit = localParts(ms, timeZone).dateKey;
    byMs.set(ms, hit);
  }
  return hit;
}
