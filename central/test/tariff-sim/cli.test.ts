import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'central/bin/gridbill-central.js');
const FIX = join(ROOT, 'shared/test/fixtures/tariff');
const TARIFFS = join(ROOT, 'shared/tariffs');
const dir = mkdtempSync(join(tmpdir(), 'gridbill-tariff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'tariff', 'rate', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A CSV of 500 kWh spread over March 2013 (Asia/Shanghai), hourly, in whole Wh. */
function beijingCsv(): string {
  const rows = ['start,kwh'];
  const start = Date.UTC(2013, 1, 28, 16); // 2013-03-01T00:00+08:00
  const hours = 31 * 24;
  for (let h = 0; h < hours; h++) {
    const wh = Math.floor((500_000 * (h + 1)) / hours) - Math.floor((500_000 * h) / hours);
    const kwh = `${Math.floor(wh / 1000)}.${String(wh % 1000).padStart(3, '0')}`;
    rows.push(`${new Date(start + h * 3_600_000).toISOString()},${kwh}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('gridbill-central tariff rate (spawned bin)', () => {
  it('URDB + SAM 8760 load, whole year, JSON: SAM published 771.8 ± 0.1', () => {
    const r = run([
      '--tariff',
      join(FIX, 'sam_residential_tou.urdb.json'),
      '--usage',
      join(FIX, 'pvsamv1_residential_load.csv'),
      '--hourly-8760',
      '--from',
      '2018-01-01',
      '--to',
      '2019-01-01',
      '--period',
      'whole',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.currency).toBe('USD');
    expect(json.periods).toHaveLength(1);
    expect(json.periods[0]).toMatchObject({ from: '2018-01-01', to: '2019-01-01' });
    expect(Object.keys(json.periods[0].lines[0])).toEqual([
      'kind',
      'description',
      'quantity',
      'unit',
      'rate',
      'amount',
    ]);
    expect(json.total).toBe('771.77');
  });

  it('native Beijing ladder with a start,kwh CSV, by month: 282.15 for 500 kWh', () => {
    const usage = join(dir, 'beijing.csv');
    writeFileSync(usage, beijingCsv());
    const r = run([
      '--tariff',
      join(TARIFFS, 'cn-beijing-monthly-ladder.json'),
      '--usage',
      usage,
      '--from',
      '2013-03-01',
      '--to',
      '2013-04-01',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.periods.map((p: { total: string }) => p.total)).toEqual(['282.15']);
    expect(json.periods[0].lines.map((l: { amount: string }) => l.amount)).toEqual([
      '117.19',
      '86.13',
      '78.83',
    ]);
  });

  it('prints a readable table without --json', () => {
    const r = run([
      '--tariff',
      join(TARIFFS, 'urdb-multi-tier-tou-demand.urdb.json'),
      '--usage',
      join(FIX, 'load_commercial.csv'),
      '--hourly-8760',
      '--from',
      '2018-01-01',
      '--to',
      '2019-01-01',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2018-07-01 .. 2018-08-01');
    expect(r.out).toMatch(/Total USD 97440\.\d\d\n$/);
  });

  it('bad usage row: exit 2 naming file, line and field', () => {
    const usage = join(dir, 'bad.csv');
    writeFileSync(usage, 'start,kwh\n2024-01-01T00:00:00Z,1.5\n2024-01-01T01:00:00Z,abc\n');
    const r = run([
      '--tariff',
      join(TARIFFS, 'cn-beijing-monthly-ladder.json'),
      '--usage',
      usage,
      '--from',
      '2024-01-01',
      '--to',
      '2024-02-01',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${usage}:3: field "kwh"`);
    expect(r.out).toBe('');
  });

  it('bad tariff: exit 2 naming file, line and field path', () => {
    const tariff = join(dir, 'bad-tariff.json');
    const doc = JSON.parse(readFileSync(join(TARIFFS, 'cn-zhejiang-residential-tou.json'), 'utf8'));
    doc.components[0].rates = { peak: '0.568', shoulder: '0.3' };
    writeFileSync(tariff, JSON.stringify(doc, null, 2));
    const r = run([
      '--tariff',
      tariff,
      '--usage',
      join(dir, 'bad.csv'),
      '--from',
      '2024-01-01',
      '--to',
      '2024-02-01',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`${tariff}:\\d+: field "components\\.0\\.rates\\.shoulder"`));
    expect(r.err).toContain('unknown period "shoulder"');
  });

  it('wrong 8760 length: exit 2 (bad dates are covered by the bill-period unit test)', () => {
    const short = join(dir, 'short.txt');
    writeFileSync(short, 'kwh\n1\n2\n');
    const s = run([
      '--tariff',
      join(TARIFFS, 'pge-e1-care.json'),
      '--usage',
      short,
      '--hourly-8760',
      '--from',
      '2024-01-01',
      '--to',
      '2025-01-01',
    ]);
    expect(s.code).toBe(2);
    expect(s.err).toContain('expected 8760 hourly values, got 2');
  });
});
