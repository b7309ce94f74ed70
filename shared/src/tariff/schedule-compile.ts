import type { Schedule, Season, TimeWindow } from './schema.js';

export const DAY_TYPES = ['weekday', 'saturday', 'sunday', 'holiday'] as const;
export type DayTypeIndex = 0 | 1 | 2 | 3;

/** A schedule as per-minute period tables: `templates[season][dayType][minuteOfDay]`. */
export interface CompiledSchedule {
  readonly seasons: readonly Season[];
  readonly templates: readonly (readonly Uint8Array[])[];
  /** the whole-day table of the default period, for dates in no season */
  readonly fallback: Uint8Array;
}

function minutesOf(hhmm: string): number {
  return Number.parseInt(hhmm.slice(0, 2), 10) * 60 + Number.parseInt(hhmm.slice(3), 10);
}

/** Fills windows into a 1440-minute table: `{ from: '22:00', to: '08:00' }` wraps midnight. */
function dayTable(windows: readonly TimeWindow[], periodIndex: Map<string, number>, def: number) {
  const table = new Uint8Array(1440).fill(def);
  for (const w of windows) {
    const p = periodIndex.get(w.period) ?? def;
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) table.fill(p, from, to);
    else {
      table.fill(p, from, 1440);
      table.fill(p, 0, to);
    }
  }
  return table;
}

function windowsFor(season: Season, dayType: DayTypeIndex): readonly TimeWindow[] {
  if (dayType === 1) return season.saturday ?? season.weekend ?? season.weekday;
  if (dayType === 2) return season.sunday ?? season.weekend ?? season.weekday;
  if (dayType === 3) return season.holiday ?? season.sunday ?? season.weekend ?? season.weekday;
  return season.weekday;
}

export function compileSchedule(schedule: Schedule, periods: readonly string[]): CompiledSchedule {
  const periodIndex = new Map(periods.map((p, i) => [p, i] as const));
  const def = periodIndex.get(schedule.defaultPeriod) ?? 0;
  const templates = schedule.seasons.map((season) =>
    ([0, 1, 2, 3] as const).map((t) => dayTable(windowsFor(season, t), periodIndex, def)),
  );
  return { seasons: schedule.seasons, templates, fallback: new Uint8Array(1440).fill(def) };
}

/** A schedule with one period all day (used when a tariff declares no schedule). */
export function flatSchedule(periodIndex: number): CompiledSchedule {
  return { seasons: [], templates: [], fallback: new Uint8Array(1440).fill(periodIndex) };
}

function inRange(md: string, from: string, to: string): boolean {
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
}

/** The index of the first season containing the local date, or -1: months or MM-DD ranges. */
export function seasonIndex(schedule: CompiledSchedule, month: number, day: number): number {
  const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return schedule.seasons.findIndex((s) => {
    if (!s.months && !s.dates) return true;
    if (s.months?.includes(month)) return true;
    return s.dates?.some((r) => inRange(md, r.from, r.to)) ?? false;
  });
}

export function templateFor(
  schedule: CompiledSchedule,
  month: number,
  day: number,
  dayType: DayTypeIndex,
): Uint8Array {
  const s = seasonIndex(schedule, month, day);
  return s < 0 ? schedule.fallback : (schedule.templates[s]?.[dayType] ?? schedule.fallback);
}
