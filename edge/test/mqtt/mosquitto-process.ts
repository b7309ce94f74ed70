import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// A small copy of central/test/mqtt/mosquitto-process.ts: test files cannot import across
// workspace projects. Both run deploy/mosquitto/dev-broker.sh (the deployed config and ACL).
const DEV_BROKER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/mosquitto/dev-broker.sh',
);

export interface Mosquitto {
  readonly url: string;
  stop(signal: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
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

function portOpen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => ok(socket.end() !== undefined));
    socket.once('error', () => ok(false));
  });
}

/** Private Mosquitto on a free 127.0.0.1 port; `accounts` maps username → password. */
export async function startMosquitto(accounts: Record<string, string>): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'gridbill-edge-mosquitto-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const pairs = Object.entries(accounts).map(([user, password]) => `${user}=${password}`);
  let child: ChildProcess | null = null;
  const start = async () => {
    let output = '';
    const proc = spawn(DEV_BROKER, [join(dir, 'broker'), String(port), ...pairs]);
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    for (let i = 0; !(await portOpen(port)); i += 1) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${output}`);
      if (i === 100) throw new Error(`mosquitto did not listen on ${port}: ${output}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  };
  const stop = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((ok) => proc.once('exit', ok));
    proc.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
