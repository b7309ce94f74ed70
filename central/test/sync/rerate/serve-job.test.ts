import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'gridbill-central.js');

describe('gridbill-central serve runs the re-rating job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-rerate-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs one structured line per run; a bad --reconcile-seconds is exit 2', async () => {
    const args = ['serve', '--data-dir', dir, '--port', '0', '--mqtt', 'off'];
    const child = spawn('node', [BIN, ...args, '--reconcile-seconds', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      for (let i = 0; i < 300 && !out.includes('"msg":"reconcile run"'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const line = out.split('\n').find((l) => l.includes('"msg":"reconcile run"'));
    expect(line, out).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ ranges: 0, adjustmentsPosted: 0, level: 30 });
    const bad = spawn('node', [BIN, ...args, '--reconcile-seconds', 'soon'], { stdio: 'pipe' });
    let err = '';
    bad.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const code = await new Promise((r) => bad.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--reconcile-seconds soon is not a whole number');
  }, 60_000);
});
