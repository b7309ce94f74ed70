import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSeededRandom } from '@gridbill/shared/ids';
import { loadOrCreateTokenKey } from '../src/app/token-key-file.js';
import { main } from '../src/cli/main.js';
import { verifyTariffSignature } from '../src/tariffs/index.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'gridbill-central.js');
const TARIFF = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'tariffs',
  'cn-beijing-monthly-ladder.json',
);
const run = promisify(execFile);

/** Runs the real CLI entry (`main(argv)`) in this process, capturing its output. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
  try {
    const code = await main(['node', 'gridbill-central', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.env = saved;
  }
}

/** The same through a real process (once, to prove the binary works). */
async function cliProcess(args: string[]) {
  const r = await run('node', [BIN, ...args]);
  return r.stdout;
}

describe('gridbill-central CLI and server (real processes, SQLite under a data directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-cli-'));
  const data = ['--data-dir', dir];
  let server: ChildProcess | undefined;
  let url = '';
  let gatewaySecret = '';

  beforeAll(async () => {
    expect(await cliProcess(['migrate', ...data])).toMatch(/applied 0001_records/);
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds users and gateways, refusing bad input with exit code 2', async () => {
    const ok = await cli(['user', 'add', 'mary', '--role', 'cashier', ...data], {
      GRIDBILL_PASSWORD: 'cashier-pass-1',
    });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/user mary \(cashier\)/);
    const bad = await cli([
      'user',
      'add',
      'eve',
      '--role',
      'wizard',
      '--password',
      'long-enough-1',
      ...data,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown role wizard \(\/role\)/);
    const gw = await cli(['gateway', 'add', 'gw-7', '--name', 'Substation 7', ...data]);
    expect(gw.out).toMatch(/^gateway gw-7\nsecret gw_[A-Za-z0-9_-]{32}\n$/);
    gatewaySecret = /secret (\S+)/.exec(gw.out)![1]!;
    expect((await cli(['gateway', 'add', 'gw-7', ...data])).code).toBe(2);
  });

  it('imports and signs a tariff; a re-import is a no-op', async () => {
    const first = await cli(['tariff', 'import', TARIFF, ...data]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/ created sha256 [0-9a-f]{64}/);
    expect((await cli(['tariff', 'import', TARIFF, ...data])).out).toMatch(/ exists sha256/);
    expect((await cli(['tariff', 'import', '/nonexistent.json', ...data])).code).toBe(2);
  });

  it('serve refuses an unknown --time-zone with exit code 2 before opening anything', async () => {
    const bad = await cli(['serve', '--port', '0', '--time-zone', 'Mars/Olympus', ...data]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--time-zone: "Mars\/Olympus" is not an IANA time zone/);
  });

  it('serves /healthz, /metrics, /openapi.json, /docs and signed tariff versions', async () => {
    server = spawn('node', [BIN, 'serve', '--port', '0', ...data], {
      env: { ...process.env, LOG_LEVEL: 'info' },
    });
    url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      server!.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(buf);
        if (m) resolve(m[1]!);
      });
      server!.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', store: 'sqlite' });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/gridbill_http_requests_total/);
    const api = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(api.paths)).toContain('/api/payments');
    expect(await (await fetch(`${url}/docs`)).text()).toContain('/api/payments');
    const session = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mary', password: 'cashier-pass-1' }),
    });
    const { token } = (await session.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const tariffs = (await (await fetch(`${url}/api/tariffs`, { headers: auth })).json()) as {
      versions: { versionId: string }[];
    }[];
    const versionId = tariffs[0]!.versions[0]!.versionId;
    const v = (await (
      await fetch(`${url}/api/tariff-versions/${versionId}`, { headers: auth })
    ).json()) as {
      document: string;
      signature: string;
    };
    const key = loadOrCreateTokenKey(join(dir, 'token-signing.key'), createSeededRandom('unused'));
    expect(verifyTariffSignature(v.document, v.signature, key.publicKey)).toBe(true);
    expect(verifyTariffSignature(v.document.replace('"', ' "'), v.signature, key.publicKey)).toBe(
      false,
    );
    const stopped = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await stopped).toBe(0);
    server = undefined;
  }, 90_000);

  it('serve runs the embedded MQTT broker: a gateway logs in with its central secret', async () => {
    const mqttPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const proc = spawn('node', [
      BIN,
      'serve',
      '--port',
      '0',
      '--mqtt-port',
      String(mqttPort),
      ...data,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        proc.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('gridbill-central listening')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      const broker = `mqtt://127.0.0.1:${mqttPort}`;
      const login = {
        clientId: 'gw-7',
        username: 'gw-7',
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      };
      const gw = await connectAsync(broker, { ...login, password: gatewaySecret });
      expect(gw.connected).toBe(true);
      await gw.endAsync();
      await expect(connectAsync(broker, { ...login, password: 'gw_wrong' })).rejects.toThrow();
    } finally {
      const stopped = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await stopped;
    }
  }, 60_000);
});
