/** Named points where a crash test may kill the gateway (`GRIDBILL_CRASH_AT=<point>[:n]`). */
export type CrashPointName =
  | 'after_reading_insert'
  | 'after_rating_before_commit'
  | 'after_relay_sent'
  | 'after_token_redeem'
  | 'after_sync_ack_before_prune'
  | 'after_sync_prune';

const hits = new Map<string, number>();
/** Read once: `process.env` is a native lookup, too slow for a per-reading check. */
const PROCESS_SPEC = process.env.GRIDBILL_CRASH_AT;

/**
 * Kills this process with SIGKILL on the n-th hit (default 1st) of the named point when the
 * environment asks for it; a no-op otherwise.
 *
 * @example
 * // GRIDBILL_CRASH_AT=after_relay_sent:2 → the second relay command sent kills the process
 * crashPoint('after_relay_sent')
 */
export function crashPoint(name: CrashPointName, env?: NodeJS.ProcessEnv): void {
  const spec = env ? env.GRIDBILL_CRASH_AT : PROCESS_SPEC;
  if (!spec) return;
  const [point, nth] = spec.split(':');
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= Number.parseInt(nth ?? '1', 10)) process.kill(process.pid, 'SIGKILL');
}
