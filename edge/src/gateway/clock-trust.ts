import { existsSync } from 'node:fs';
import type { Clock } from '@gridbill/shared/clock';

/** systemd-timesyncd creates this file while the clock is synchronised. */
export const TIMESYNC_FLAG = '/run/systemd/timesync/synchronized';

/**
 * Whether the wall clock may be trusted for local-time rules (protected windows): `always`,
 * `never`, or `ntp` (the timesync flag, re-checked at most once a minute).
 *
 * @example
 * clockTrust('ntp', clock)() // → true on a synchronised systemd host
 */
export function clockTrust(mode: 'ntp' | 'always' | 'never', clock: Clock, flag = TIMESYNC_FLAG) {
  if (mode !== 'ntp') return () => mode === 'always';
  let checkedMono = Number.NEGATIVE_INFINITY;
  let trusted = false;
  return () => {
    if (clock.monoMs() - checkedMono >= 60_000) {
      trusted = existsSync(flag);
      checkedMono = clock.monoMs();
    }
    return trusted;
  };
}
