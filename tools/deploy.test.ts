import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../edge/src/config/index.js';

const deployDir = join(import.meta.dirname, '..', 'deploy');
const unitDir = join(deployDir, 'systemd');
const units = readdirSync(unitDir).filter((f) => f.endsWith('.service'));
const hasSystemdAnalyze = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;

/** `{ Service: { User: ['gridbill'] } }` from an INI-style unit file. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      out[section] = {};
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const list = (out[section]![key] ??= []);
    list.push(line.slice(eq + 1));
  }
  return out;
}

describe('deploy/systemd units', () => {
  it('ships a unit for central and for edge', () => {
    expect(units.sort()).toEqual(['gridbill-central.service', 'gridbill-edge.service']);
  });

  it.each(units)('%s runs as a dedicated user with a read-only system', (file) => {
    const unit = parseUnit(readFileSync(join(unitDir, file), 'utf8'));
    const svc = unit.Service!;
    expect(svc.User).toEqual(['gridbill']);
    expect(svc.ProtectSystem).toEqual(['strict']);
    expect(svc.NoNewPrivileges).toEqual(['yes']);
    expect(svc.ReadWritePaths?.[0]).toMatch(/^\/var\/lib\/gridbill-/);
    expect(svc.Restart?.[0]).toMatch(/^(always|on-failure)$/);
    expect(svc.ExecStart?.[0]).toMatch(/gridbill-(central|edge)\.js (serve|run)/);
  });

  it.skipIf(!hasSystemdAnalyze).each(units)('%s passes systemd-analyze verify', (file) => {
    const res = spawnSync('systemd-analyze', ['verify', join(unitDir, file)], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it.skipIf(!hasSystemdAnalyze)('the verify check catches a broken unit', () => {
    const broken = '[Service]\nExecStart=/usr/bin/true\nProtectSystem=strictt\n';
    const path = join(execFileSync('mktemp', ['-d']).toString().trim(), 'broken.service');
    execFileSync('sh', ['-c', `cat > ${path}`], { input: broken });
    const res = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    expect(res.stderr).toMatch(/protect system/i);
  });
});

/** Which test checks each file in deploy/ (a new file needs an entry and a check). */
const CHECKED_BY: Record<string, string> = {
  'systemd/gridbill-central.service': 'this file (systemd-analyze verify, hardening keys)',
  'systemd/gridbill-edge.service': 'this file (systemd-analyze verify, hardening keys)',
  'examples/edge.yaml': 'this file (loads through the gateway config schema)',
  'examples/central.env': 'this file (names the database for the central unit)',
  'mosquitto/gridbill.conf': 'central/test/mqtt/mosquitto-config.test.ts (real Mosquitto)',
  'mosquitto/gridbill.acl': 'central/test/mqtt/mosquitto-config.test.ts (cross-gateway denied)',
  'mosquitto/add-gateway.sh': 'central/test/mqtt/mosquitto-config.test.ts (makes the password)',
  'mosquitto/dev-broker.sh': 'central/test/mqtt/mosquitto-process.ts (starts test brokers)',
  'mosquitto/README.md': 'documentation',
  'runbook.md': 'documentation',
  'postgresql.md': 'documentation',
};

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), rel) : [rel];
  });
}

describe('deploy/ files', () => {
  it('every file in deploy/ has a named check', () => {
    expect(filesUnder(deployDir).sort()).toEqual(Object.keys(CHECKED_BY).sort());
  });

  it('the example gateway configuration loads', () => {
    const text = readFileSync(join(deployDir, 'examples', 'edge.yaml'), 'utf8');
    const config = parseConfigText(text, 'edge.yaml');
    expect(config.meters.map((m) => m.id)).toEqual(['m-0001', 'm-0002', 'm-0101']);
    expect(config.buses.map((b) => b.kind)).toEqual(['rtu', 'tcp']);
  });

  it('a broken example is refused with the path named', () => {
    const text = readFileSync(join(deployDir, 'examples', 'edge.yaml'), 'utf8');
    const sdm = '\n    profile: sdm120';
    const broken = text.replace(`bus: rs485-1${sdm}`, `bus: rs485-9${sdm}`);
    expect(() => parseConfigText(broken, 'edge.yaml')).toThrow(/meters.*1.*bus/);
  });

  it('the central environment file names the database the unit passes to serve', () => {
    const env = readFileSync(join(deployDir, 'examples', 'central.env'), 'utf8');
    expect(env).toMatch(/^GRIDBILL_DB=postgres:\/\//m);
    const zone = /^GRIDBILL_TIME_ZONE=(\S+)$/m.exec(env)?.[1];
    expect(zone && Intl.supportedValuesOf('timeZone').includes(zone)).toBe(true);
    const unit = readFileSync(join(unitDir, 'gridbill-central.service'), 'utf8');
    expect(unit).toMatch(/--db \$\{GRIDBILL_DB\}/);
  });
});
