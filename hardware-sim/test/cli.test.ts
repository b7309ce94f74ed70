import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'gridbill-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runCli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  try {
    const code = await main(['node', 'gridbill-sim', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('gridbill-sim CLI', () => {
  it('validates the example site fleet', async () => {
    const r = await runCli('validate', '--fleet', 'hardware-sim/test/fixtures/site-fleet.yaml');
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/ok, 6 meters \(4 modbus, 2 dlms\)/);
  });

  it('exits 2 naming the file and path of a bad fleet', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ meters: [{ id: 'x', protocol: 'modbus', transport: 'tcp', port: 1 }] }),
    );
    const r = await runCli('validate', '--fleet', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json: meters\[0\]\.unitId: modbus meters need a unitId/);
  });

  it('exits 2 on contradictory or malformed run options', async () => {
    const both = await runCli('run', '--fleet', 'f.yaml', '--meters', '3');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/either --fleet FILE or --meters N/);
    const bad = await runCli('run', '--meters', 'ten', '--modbus-port', '5020');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--meters must be a whole number/);
  });
});
