import { localParts } from '../time/index.js';

export interface ProtectedWindows {
  /** Local minute of day the night window starts and ends (may wrap past midnight). */
  nightStartMinute: number;
  nightEndMinute: number;
  weekends: boolean;
  /** Local dates ('YYYY-MM-DD') on which no disconnection happens. */
  holidays: readonly string[];
}

/**
 * Whether disconnection is forbidden now. An untrusted clock counts as protected, so a wall
 * clock jump can never cause a disconnection.
 *
 * @example
 * // 2026-03-02 is a Monday; 23:30 in Nairobi is inside a 18:00–08:00 night window
 * isProtectedNow({ wallMs: Date.UTC(2026, 2, 2, 20, 30), trusted: true }, 'Africa/Nairobi',
 *   { nightStartMinute: 1080, nightEndMinute: 480, weekends: true, holidays: [] }) // → true
 */
export function isProtectedNow(
  time: { wallMs: number; trusted: boolean },
  timeZone: string,
  windows: ProtectedWindows,
): boolean {
  if (!time.trusted) return true;
  const local = localParts(time.wallMs, timeZone);
  if (windows.weekends && local.weekday >= 6) return true;
  if (windows.holidays.includes(local.dateKey)) return true;
  return inNight(local.minuteOfDay, windows.nightStartMinute, windows.nightEndMinute);
}

function inNight(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
