import { describe, expect, it } from 'vitest';
import { billPeriods } from './bill-periods.js';
import { parseHourly8760, parseUsageCsv } from './usage-csv.js';

describe('usage files', () => {
  it('reads start,kwh rows into whole Wh with the constant interval', () => {
    const u = parseUsageCsv(
      'start,kwh\n2024-03-31T00:00:00+01:00,0.25\n2024-03-31T00:30:00+01:00,1.0005\n\n',
      'u.csv',
    );
    expect(u).toEqual({
      startMs: [Date.UTC(2024, 2, 30, 23), Date.UTC(2024, 2, 30, 23, 30)],
      wh: [250, 1001],
      intervalSeconds: 1800,
    });
  });

  it('names file, line and field for bad rows', () => {
    const bad = (body: string) => () => parseUsageCsv(`start,kwh\n${body}`, 'u.csv');
    expect(bad('2024-01-01 00:00,1')).toThrow('u.csv:2: field "start"');
    expect(bad('2024-01-01T00:00Z,-1')).toThrow('u.csv:2: field "kwh"');
    expect(bad('2024-01-01T00:00Z,1\n2024-01-01T00:00Z,1')).toThrow('u.csv:3: field "start"');
    expect(bad('2024-01-01T00:00Z,1\n2024-01-01T01:00Z,1\n2024-01-01T01:30Z,1')).toThrow(
      'u.csv:4: field "start": interval of 1800 s is not a multiple of 3600 s',
    );
    expect(() => parseUsageCsv('time,kwh\n', 'u.csv')).toThrow('u.csv:1: field "header"');
  });

  it('reads 8760 hourly values with an optional header', () => {
    const text = `kw\n${Array.from({ length: 8760 }, () => '0.5').join('\n')}\n`;
    const u = parseHourly8760(text, 'load.csv', 0);
    expect(u.wh).toHaveLength(8760);
    expect(u.startMs[8759]).toBe(8759 * 3_600_000);
  });

  it('splits --from/--to into calendar months in the zone (to exclusive)', () => {
    const ps = billPeriods('2024-01-15', '2024-03-01', 'month', 'Asia/Shanghai');
    expect(ps.map((p) => [p.from, p.to])).toEqual([
      ['2024-01-15', '2024-02-01'],
      ['2024-02-01', '2024-03-01'],
    ]);
    expect(ps[0]!.fromMs).toBe(Date.UTC(2024, 0, 14, 16));
    expect(() => billPeriods('2024-02-01', '2024-02-01', 'month', 'UTC')).toThrow('--to');
  });
});
