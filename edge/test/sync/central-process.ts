/**
 * A real central server for edge sync tests: `gridbill-central` CLI processes on a temporary
 * SQLite data directory (migrate + admin user, then `serve --port 0`), seeded over its HTTP API.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { ed25519PublicKeyBase64url } from '@gridbill/shared/sync';

const BIN = resolve(import.meta.dirname, '../../../central/bin/gridbill-central.js');
const PASSWORD = 'correct-horse-battery';

export interface CentralProcess {
  url: string;
  dataDir: string;
  dbFile: string;
  proc: ChildProcess;
  /** JSON API call as admin. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  ): Promise<{ status: number; body: any }>;
  /** SIGKILL (crash) and wait for the exit. */
  kill(): Promise<void>;
  /** Resolves with the signal (or null) once the server process has exited. */
  exited(): Promise<NodeJS.Signals | null>;
  /** Start the server again on the same data directory. */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

function cli(args: string[], dataDir: string): string {
  const out = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, GRIDBILL_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
    timeout: 60_000,
  });
  if (out.status !== 0) throw new Error(`central ${args.join(' ')}: ${out.stderr}${out.stdout}`);
  return out.stdout;
}

function serve(
  dataDir: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<{ proc: ChildProcess; url: string }> {
  const argv = [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args];
  const proc = spawn(process.execPath, argv, {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveUrl, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`central did not start: ${text}`)), 60_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl({ proc, url: match[1] });
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    proc.once('exit', (code) => reject(new Error(`central exited ${code}: ${text}`)));
  });
}

/** `args` go to `serve` (e.g. ['--mqtt', 'off'] or ['--mqtt-port', '18830']). */
export async function startCentral(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<CentralProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridbill-sync-central-'));
  cli(['migrate'], dataDir);
  cli(['user', 'add', 'admin', '--role', 'admin'], dataDir);
  let running = await serve(dataDir, env, args);
  let token = '';
  const api: CentralProcess['api'] = async (method, path, body, headers = {}) => {
    const res = await fetch(running.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const session = await api('POST', '/api/session', { username: 'admin', password: PASSWORD });
  token = session.body.token;
  const exited = () =>
    new Promise<void>((done) => {
      if (running.proc.exitCode !== null || running.proc.signalCode !== null) done();
      else running.proc.once('exit', () => done());
    });
  return {
    get url() {
      return running.url;
    },
    dataDir,
    dbFile: join(dataDir, 'central.sqlite'),
    get proc() {
      return running.proc;
    },
    api,
    async kill() {
      running.proc.kill('SIGKILL');
      await exited();
    },
    async exited() {
      await exited();
      return running.proc.signalCode;
    },
    async restart(restartEnv = {}) {
      running = await serve(dataDir, restartEnv, args);
    },
    async close() {
      running.proc.kill('SIGTERM');
      await exited();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Customer, premise, service point, `meterCount` meters on gw-1, one account; gw-1's key. */
export async function seedGateway(c: CentralProcess, key: KeyObject, meterCount: number) {
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    // biome-ignore lint/suspicious/noExplicitAny: ids are read from API bodies
    return r.body as any;
  };
  const gw = ok(await c.api('POST', '/api/gateways', { id: 'gw-1', name: 'Substation 1' }), 'gw');
  void gw;
  const publicKey = ed25519PublicKeyBase64url(key);
  ok(await c.api('POST', '/api/gateways/gw-1/sync-keys', { keyId: 'k1', publicKey }), 'key');
  const accounts: { accountId: string; meterId: string }[] = [];
  for (let i = 0; i < meterCount; i += 1) {
    const number = `A-${100 + i}`;
    const cust = ok(await c.api('POST', '/api/customers', { name: number, phone: '+2547' }), 'c');
    const premise = ok(
      await c.api('POST', '/api/premises', {
        customerId: cust.id,
        address: `${number} Mombasa Road`,
        timeZone: 'Africa/Nairobi',
      }),
      'premise',
    );
    const sp = ok(await c.api('POST', '/api/service-points', { premiseId: premise.id }), 'sp');
    const meter = ok(
      await c.api('POST', '/api/meters', { serial: `SN-${number}`, model: 'SDM120' }),
      'meter',
    );
    ok(
      await c.api('POST', `/api/meters/${meter.id}/install`, {
        servicePointId: sp.id,
        atMs: 1_700_000_000_000,
        readWh: 0,
      }),
      'install',
    );
    ok(await c.api('POST', '/api/gateways/gw-1/meters', { meterId: meter.id }), 'assign');
    const account = ok(
      await c.api('POST', '/api/accounts', {
        number,
        customerId: cust.id,
        premiseId: premise.id,
        currency: 'KES',
        mode: 'prepaid',
      }),
      'account',
    );
    accounts.push({ accountId: account.id, meterId: meter.id });
  }
  return accounts;
}
