import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEV_BROKER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/mosquitto/dev-broker.sh',
);

export interface MosquittoProcess {
  readonly url: string;
  readonly port: number;
  /** Stops the broker with the signal (SIGKILL: a crash) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same accounts. */
  start(): Promise<void>;
  /** Stops it and removes the temp dir. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((ok) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => ok(socket.end() !== undefined));
      socket.once('error', () => ok(false));
    });
    if (open) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

/**
 * A private Mosquitto (deploy/mosquitto/dev-broker.sh: the deployed gridbill.conf and ACL,
 * passwords made by mosquitto_passwd) on a free 127.0.0.1 port in a temp dir.
 * `accounts` maps username → password.
 */
export async function startMosquitto(accounts: Record<string, string>): Promise<MosquittoProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'gridbill-mosquitto-'));
  await chmod(dir, 0o755); // mosquitto drops root to user 'mosquitto', which must read the files
  const port = await freePort();
  const pairs = Object.entries(accounts).map(([user, password]) => `${user}=${password}`);
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    output = '';
    const proc = spawn(DEV_BROKER, [join(dir, 'broker'), String(port), ...pairs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    await waitForPort(port, proc, () => output);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
    proc.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
