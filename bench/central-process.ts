/**
 * Bench helper: central in a child process (bench/central-server.ts) and the CPU time of a
 * process from /proc, so a bench can report CPU per operation on both sides.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreOptions } from '../central/src/store/index.js';

export interface CentralProcess {
  url: string;
  /** CPU time (user + system, ms) the server process has used so far, from /proc. */
  cpuMs(): number;
  /** Stops the server; resolves with its committer stats. */
  stop(): Promise<{ writes: number; commits: number }>;
}

export interface CentralProcessOptions {
  /** Serve the gateway sync endpoints too. */
  sync?: boolean;
  /** Write a V8 CPU profile of the server here. */
  profileDir?: string;
  /** pino level of the server's logs (stderr); default warn. */
  logLevel?: string;
}

/**
 * CPU time (user + system) of a process in ms, from /proc/<pid>/stat (10 ms ticks).
 * Example: procCpuMs(process.pid) → 1530.
 */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number.parseInt(fields[11] ?? '0', 10) + Number.parseInt(fields[12] ?? '0', 10)) * 10;
}

/** Starts central on a migrated store; resolves once it prints its URL. */
export function startCentralProcess(
  opened: StoreOptions,
  o: CentralProcessOptions = {},
): Promise<CentralProcess> {
  const prof = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const server = join(import.meta.dirname, 'central-server.ts');
  const args = [...prof, '--import', 'tsx', server, JSON.stringify(opened), o.sync ? 'sync' : ''];
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GRIDBILL_LOG_LEVEL: o.logLevel ?? 'warn' },
  });
  process.once('exit', () => proc.kill()); // never leave central running after a crash
  let out = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const stop = () =>
    new Promise<{ writes: number; commits: number }>((resolve, reject) => {
      proc.once('exit', () => {
        const m = /stats (\{.*\})/.exec(out);
        if (m?.[1]) resolve(JSON.parse(m[1]));
        else reject(new Error(`central printed no stats: ${out}`));
      });
      proc.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      proc.stdout.off('data', onData);
      const pid = proc.pid ?? 0;
      resolve({ url: m[1], stop, cpuMs: () => procCpuMs(pid) });
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`central exited ${code}: ${out}`)));
  });
}
