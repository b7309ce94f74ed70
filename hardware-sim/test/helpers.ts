import { execFile } from 'node:child_process';
import { pino } from 'pino';

export const silentLogger = pino({ level: 'silent' });

/** Runs mbpoll once; resolves with its exit code and output (never rejects). */
export function mbpoll(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'mbpoll',
      [...args, '-1', '-0', '-o', '1'],
      { timeout: 10_000 },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** Values printed by mbpoll as `[addr]: \tvalue` lines, keyed by address. */
export function mbpollValues(out: string): Map<number, number> {
  const values = new Map<number, number>();
  for (const m of out.matchAll(/^\[(\d+)\]:\s+(-?[\d.e+-]+)/gm))
    values.set(Number(m[1]), Number(m[2]));
  return values;
}

export async function api<T = unknown>(port: number, path: string, init?: RequestInit) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as T };
}
