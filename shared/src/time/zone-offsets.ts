/**
 * UTC offsets of IANA zones, read from Node's Intl (ICU) and memoised per zone and UTC day.
 *
 * Reading an offset through `Intl.DateTimeFormat#formatToParts` costs microseconds; rating
 * asks for local time per day or hour, so each UTC day is read once: the offsets at its start
 * and end, and if they differ, the transition instant found by bisection to the second.
 * Assumes at most one offset change per UTC day (true of every zone in tzdata since 1900).
 */

const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 100_000;

interface DayOffsets {
  startSeconds: number;
  endSeconds: number;
  /** first instant at `endSeconds` (only meaningful when the two differ) */
  transitionMs: number;
}

interface Zone {
  formatter: Intl.DateTimeFormat;
  days: Map<number, DayOffsets>;
}

const zones = new Map<string, Zone>();

function zoneFor(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (zone) return zone;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = { formatter, days: new Map() };
  } catch {
    throw new RangeError(`time zone "${timeZone}": not a known IANA time zone`);
  }
  zones.set(timeZone, zone);
  return zone;
}

/** Throws unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  zoneFor(timeZone);
}

/**
 * Local minus UTC in seconds at an instant.
 *
 * @example offsetSecondsAt(Date.UTC(2024, 6, 1), 'Europe/London') // 3600
 */
export function offsetSecondsAt(instantMs: number, timeZone: string): number {
  const zone = zoneFor(timeZone);
  const day = Math.floor(instantMs / DAY_MS);
  let entry = zone.days.get(day);
  if (!entry) {
    if (zone.days.size >= MAX_CACHED_DAYS) zone.days.clear();
    entry = readDay(zone, day);
    zone.days.set(day, entry);
  }
  return instantMs < entry.transitionMs ? entry.startSeconds : entry.endSeconds;
}

function readDay(zone: Zone, day: number): DayOffsets {
  const { formatter, days } = zone;
  let lo = day * DAY_MS;
  let hi = lo + DAY_MS;
  const startSeconds = days.get(day - 1)?.endSeconds ?? rawOffsetSeconds(formatter, lo);
  const endSeconds = days.get(day + 1)?.startSeconds ?? rawOffsetSeconds(formatter, hi);
  if (startSeconds === endSeconds) return { startSeconds, endSeconds, transitionMs: hi };
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (rawOffsetSeconds(formatter, mid) === startSeconds) lo = mid;
    else hi = mid;
  }
  return { startSeconds, endSeconds, transitionMs: hi };
}

const FORMATTED = /^(\d+)\/(\d+)\/(\d+) (AD|BC|A|B), (\d+):(\d+):(\d+)$/;

/**
 * Offset at a whole-second instant, from the formatter's local fields. `format` is about 4×
 * faster than `formatToParts`; its en-US shape is checked and `formatToParts` is the fallback.
 */
function rawOffsetSeconds(formatter: Intl.DateTimeFormat, instantMs: number): number {
  const m = FORMATTED.exec(formatter.format(instantMs));
  const f = m
    ? {
        bc: m[4] === 'BC' || m[4] === 'B',
        year: int(m[3]),
        month: int(m[1]),
        day: int(m[2]),
        hour: int(m[5]),
        minute: int(m[6]),
        second: int(m[7]),
      }
    : fieldsFromParts(formatter, instantMs);
  const localAsUtc = new Date(0);
  localAsUtc.setUTCFullYear(f.bc ? 1 - f.year : f.year, f.month - 1, f.day);
  localAsUtc.setUTCHours(f.hour, f.minute, f.second, 0);
  return Math.round((localAsUtc.getTime() - instantMs) / 1000);
}

function int(text: string | undefined): number {
  return Number.parseInt(text ?? '', 10);
}

function fieldsFromParts(formatter: Intl.DateTimeFormat, instantMs: number) {
  const f = { bc: false, year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(instantMs)) {
    if (part.type === 'era') f.bc = part.value === 'BC' || part.value === 'B';
    else if (part.type !== 'literal' && part.type in f) {
      (f as Record<string, number | boolean>)[part.type] = int(part.value);
    }
  }
  return f;
}
