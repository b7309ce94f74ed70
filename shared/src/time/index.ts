export type { DateParts } from './date-key.js';
export {
  addDays,
  dateKeyOfEpochDay,
  daysBetween,
  daysInMonth,
  epochDayOf,
  formatDateKey,
  isLeapYear,
  parseDateKey,
  weekdayOf,
} from './date-key.js';
export { easterSunday } from './easter.js';
export type { HolidayCalendar, HolidayRule } from './holiday-calendar.js';
export {
  holidayCalendarSchema,
  holidayRuleSchema,
  holidaysInYear,
  isHoliday,
  parseHolidayCalendar,
  ruleDateInYear,
} from './holiday-calendar.js';
export type { Interval, LocalDay } from './local-days.js';
export { intervalsBetween, localDays } from './local-days.js';
export type { LocalParts } from './local-parts.js';
export { localParts, offsetMinutesAt } from './local-parts.js';
export { assertTimeZone, offsetSecondsAt } from './zone-offsets.js';
export { localMidnightUtcMs, zonedTimeToUtcMs } from './zoned-time.js';
