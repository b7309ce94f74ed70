import { describe, expect, it } from 'vitest';
import { decodeData } from './axdr.js';
import { fromHex } from './byte-reader.js';
import {
  cosemDateTimeToUtcMs,
  decodeCosemDateTime,
  encodeCosemDateTime,
  utcMsToCosemDateTime,
} from './date-time.js';
import { DlmsDecodeError } from './errors.js';

function dateTimeOf(hex: string) {
  const v = decodeData(fromHex(hex));
  if (v.type !== 'octet-string') throw new Error(v.type);
  return decodeCosemDateTime(v.value);
}

describe('COSEM date-time variants the client accepts', () => {
  it('UTC, deviation 0: 2026-11-28 05:21:41', () => {
    const dt = dateTimeOf('090C07EA0B1C0605152900000000');
    expect(cosemDateTimeToUtcMs(dt)).toBe(Date.UTC(2026, 10, 28, 5, 21, 41));
  });

  it('Blue Book sign: CEST local 20:23:45 with deviation -120 is 18:23:45 UTC', () => {
    const dt = dateTimeOf('090C07E8060F0614172D00FF8880');
    expect(dt.deviationMinutes).toBe(-120);
    expect(dt.clockStatus).toBe(0x80);
    expect(cosemDateTimeToUtcMs(dt)).toBe(Date.UTC(2024, 5, 15, 18, 23, 45));
  });

  it('inverted-sign meters (amsreader #809) are read with the "inverted" convention', () => {
    const dt = dateTimeOf('090C07E8060F0614172D00FF8880');
    expect(cosemDateTimeToUtcMs(dt, { convention: 'inverted' })).toBe(
      Date.UTC(2024, 5, 15, 22, 23, 45),
    );
  });

  it('u9n FF88 with day-of-week unspecified: 2020-01-01T00:03+02:00', () => {
    const dt = dateTimeOf('090C07E40101FF00030000FF8800');
    expect(dt.dayOfWeek).toBe(0xff);
    expect(cosemDateTimeToUtcMs(dt)).toBe(Date.UTC(2019, 11, 31, 22, 3, 0));
  });

  it('0x8000 deviation not specified: needs a site fallback, else a typed error', () => {
    const dt = dateTimeOf('090C07E2020CFF00000000800000');
    expect(dt.deviationMinutes).toBeNull();
    expect(() => cosemDateTimeToUtcMs(dt)).toThrow(DlmsDecodeError);
    expect(cosemDateTimeToUtcMs(dt, { unspecifiedDeviationMinutes: -60 })).toBe(
      Date.UTC(2018, 1, 11, 23, 0, 0),
    );
    expect(encodeCosemDateTime(dt)).toEqual(fromHex('07E2020CFF00000000800000'));
  });

  it('utcMsToCosemDateTime is the inverse for any deviation', () => {
    const ms = Date.UTC(2026, 2, 29, 1, 30, 0);
    for (const dev of [-120, -60, 0, 330]) {
      expect(cosemDateTimeToUtcMs(utcMsToCosemDateTime(ms, dev))).toBe(ms);
    }
  });
});
