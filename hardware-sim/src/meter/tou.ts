import type { LocalMinute } from './local-time.js';

/** A meter's own TOU switching table: [startMinuteOfDay, rate 1..4] pairs per day type. */
export interface TouTable {
  weekday: readonly (readonly [number, number])[];
  weekend: readonly (readonly [number, number])[];
}

/** Rate 1 off-peak 21:00–07:00 and weekends, 2 shoulder, 3 peak 17:00–21:00 on weekdays. */
export const DEFAULT_TOU: TouTable = {
  weekday: [
    [0, 1],
    [420, 2],
    [1020, 3],
    [1260, 1],
  ],
  weekend: [[0, 1]],
};

/**
 * The rate (1..4) in force at a local minute.
 * @example touRate(DEFAULT_TOU, { minuteOfDay: 1080, weekday: 3 }) // 3
 */
export function touRate(table: TouTable, local: LocalMinute): number {
  const switches = local.weekday >= 6 ? table.weekend : table.weekday;
  let rate = switches[0]?.[1] ?? 1;
  for (const [start, r] of switches) {
    if (start <= local.minuteOfDay) rate = r;
  }
  return rate;
}
