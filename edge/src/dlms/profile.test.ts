import { type DlmsValue, encodeCosemDateTime, utcMsToCosemDateTime } from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { parseCaptureObjects, parseRows } from './profile.js';

const T0 = Date.UTC(2026, 10, 27, 0, 15);
const time = (ms: number): DlmsValue => ({
  type: 'octet-string',
  value: encodeCosemDateTime(utcMsToCosemDateTime(ms)),
});
const row = (clock: DlmsValue, wh: number): DlmsValue => ({
  type: 'structure',
  items: [clock, { type: 'double-long-unsigned', value: wh }],
});

describe('profile buffer parsing', () => {
  it('compact rows: null-data clock cells are previous + capture period', () => {
    const nul: DlmsValue = { type: 'null-data' };
    const buffer: DlmsValue = {
      type: 'array',
      items: [row(time(T0), 1), row(nul, 2), row(nul, 3)],
    };
    const rows = parseRows(buffer, 0, {}, 900_000);
    expect(rows.map((r) => r.timestampMs)).toEqual([T0, T0 + 900_000, T0 + 1_800_000]);
    expect(parseRows(buffer, 0, {}).map((r) => r.timestampMs)).toEqual([T0, undefined, undefined]);
  });

  it('capture_objects must be structures of {class, LN, attr, index}', () => {
    expect(() => parseCaptureObjects({ type: 'array', items: [{ type: 'null-data' }] })).toThrow(
      /capture_objects\[0\]/,
    );
  });
});
