import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitDir = join(import.meta.dirname, '..', 'deploy', 'systemd');
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
