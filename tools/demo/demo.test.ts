import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Urls {
  ui: string;
  sim: string;
  gateway: string;
}

/** Reads the URLs the demo prints once it is up. */
function waitForUrls(proc: ChildProcess, output: { text: string }): Promise<Urls> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URLs in time:\n${output.text}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output.text += chunk.toString();
      const ui = /Staff UI\s+(\S+)/.exec(output.text)?.[1];
      const sim = /Simulator panel\s+(\S+)/.exec(output.text)?.[1];
      const gateway = /Gateway status\s+(\S+)/.exec(output.text)?.[1];
      if (ui && sim && gateway) {
        clearTimeout(timer);
        resolve({ ui, sim, gateway });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`demo exited ${code}:\n${output.text}`)));
  });
}

describe('npm start (the live demo)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridbill-demo-'));
  const output = { text: '' };
  let proc: ChildProcess;
  let urls: Urls;

  beforeAll(async () => {
    proc = spawn(TSX, ['tools/demo/main.ts', '--free-ports', '--meters', '24', '--data-dir',
      dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    urls = await waitForUrls(proc, output);
  }, 180_000);

  afterAll(async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the staff sign-in page, the simulator panel and the gateway status page', async () => {
    for (const url of [urls.ui, urls.sim, urls.gateway]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(/text\/html/);
    }
  });

  it('has the gateway reading meters of the fleet within a minute', async () => {
    let read = 0;
    for (let i = 0; i < 60 && read === 0; i++) {
      const status = (await (await fetch(`${urls.gateway}api/status`)).json()) as {
        meters: { lastReadMs: number | null }[];
      };
      read = status.meters.filter((m) => m.lastReadMs !== null).length;
      if (read === 0) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(read).toBeGreaterThan(0);
  }, 90_000);

  it('syncs the gateway into central: events acknowledged, none quarantined', async () => {
    const base = urls.ui.replace(/\/ui$/, '');
    const session = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: 'gridbill-demo' }),
    });
    const { token } = (await session.json()) as { token: string };
    let lag = { ackedThroughSeq: 0, quarantined: -1 };
    for (let i = 0; i < 60 && lag.ackedThroughSeq === 0; i++) {
      const res = await fetch(`${base}/api/sync/lag`, {
        headers: { authorization: `Bearer ${token}` },
      });
      lag = ((await res.json()) as (typeof lag)[])[0] ?? lag;
      if (lag.ackedThroughSeq === 0) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(lag.ackedThroughSeq).toBeGreaterThan(0);
    expect(lag.quarantined).toBe(0);
    // the staff screen of the first customer shows the consumption the gateway synced
    let page = '';
    for (let i = 0; i < 60 && !page.includes('consumption-total'); i++) {
      const res = await fetch(`${base}/ui/accounts/A-0001`, {
        headers: { cookie: session.headers.get('set-cookie')?.split(';')[0] ?? '' },
      });
      page = await res.text();
      if (!page.includes('consumption-total')) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(page).toMatch(/id="consumption-total">\d+ intervals, \d+ Wh/);
  }, 120_000);

  it('stops every process on Ctrl-C', async () => {
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const url of [urls.ui, urls.sim, urls.gateway]) {
      const up = await fetch(url).then(() => true, () => false);
      expect(up, url).toBe(false);
    }
  }, 30_000);
});
