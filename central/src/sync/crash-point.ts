/** Named points where a crash test may kill central (`GRIDBILL_CRASH_AT=<point>[:n]`). */
export type CentralCrashPoint = 'after_sync_commit_before_ack' | 'after_feed_derive';

const hits = new Map<string, number>();

/**
 * SIGKILLs this process on the n-th hit (default 1st) of the named point when the environment
 * asks for it; a no-op otherwise.
 * Example: GRIDBILL_CRASH_AT=after_sync_commit_before_ack:2 → the 2nd committed batch kills
 * central before its ack is sent.
 */
export function crashPoint(name: CentralCrashPoint, env = process.env): void {
  const spec = env.GRIDBILL_CRASH_AT;
  if (!spec) return;
  const [point, nth] = spec.split(':');
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= Number.parseInt(nth ?? '1', 10)) process.kill(process.pid, 'SIGKILL');
}
