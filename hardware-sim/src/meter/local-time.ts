import { offsetMinutesAt } from '@gridbill/shared/time';

const QUARTER_MS = 900_000;
const cache = new Map<string, { quarter: number; offsetMinutes: number }>();

/** Local minute of day and ISO weekday (1 = Monday) of a UTC instant in `timeZone`. */
export interface LocalMinute {
  minuteOfDay: number;
  weekday: number;
}

/**
 * Like `localParts`, but caches the zone offset per UTC quarter hour (every DST change falls
 * on a quarter hour), so meters evaluated minute by minute stay cheap.
 *
 * @example localMinute(Date.UTC(2026, 0, 5, 7, 30), 'Europe/Paris')
 *   // { minuteOfDay: 510, weekday: 1 }
 */
export function localMinute(instantMs: number, timeZone: string): LocalMinute {
  const quarter = Math.floor(instantMs / QUARTER_MS);
  let entry = cache.get(timeZone);
  if (entry?.quarter !== quarter) {
    entry = { quarter, offsetMinutes: offsetMinutesAt(quarter * QUARTER_MS, timeZone) };
    cache.set(timeZone, entry);
  }
  const localMinutes = Math.floor(instantMs / 60_000) + entry.offsetMinutes;
  const day = Math.floor(localMinutes / 1440);
  // 1970-01-01 was a Thursday (ISO weekday 4)
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return { minuteOfDay: localMinutes - day * 1440, weekday };
}
