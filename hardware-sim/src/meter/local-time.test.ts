import { localParts } from '@gridbill/shared/time';
import { describe, expect, it } from 'vitest';
import { localMinute } from './local-time.js';

describe('localMinute (cached per quarter hour)', () => {
  it.each(['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])(
    'agrees with localParts every 7 minutes around the 2024 DST changes in %s',
    (zone) => {
      // US (Mar 10, Nov 3), EU (Mar 31, Oct 27), Lord Howe ±30 min (Apr 7, Oct 6)
      const days = [
        [2, 9],
        [2, 30],
        [3, 6],
        [9, 5],
        [9, 26],
        [10, 2],
      ].map(([m, d]) => Date.UTC(2024, m!, d!));
      for (const day of days) {
        for (let t = day; t < day + 2 * 86_400_000; t += 7 * 60_000) {
          const p = localParts(t, zone);
          expect(localMinute(t, zone), `${zone} ${t}`).toEqual({
            minuteOfDay: p.minuteOfDay,
            weekday: p.weekday,
          });
        }
      }
    },
  );
});
