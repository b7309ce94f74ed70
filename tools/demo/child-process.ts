import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `node <script> ...args`, its output appended to `logFile`. */
export function startChild(name: string, args: string[], logFile: string): Child {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { name, proc, exited };
}

/** Runs `node <script> ...args` to completion; rejects with its output when it fails. */
export function runNode(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    let out = '';
    proc.stdout.on('data', (b) => (out += b));
    proc.stderr.on('data', (b) => (out += b));
    proc.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.slice(0, 3).join(' ')}: ${out}`)),
    );
  });
}

/** Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes. */
export async function waitHealthy(url: string, child: Child, timeoutMs: number): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (let waitedMs = 0; waitedMs < timeoutMs; waitedMs += 250) {
    if (exited) throw new Error(`${child.name} exited during start-up (see its log)`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms`);
}

/** SIGTERM to every child, SIGKILL to any still running after `graceMs`. */
export async function stopAll(children: Child[], graceMs = 5_000): Promise<void> {
  for (const c of children) c.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const c of children) c.proc.kill('SIGKILL');
  }, graceMs);
  await Promise.all(children.map((c) => c.exited));
  clearTimeout(timer);
}
