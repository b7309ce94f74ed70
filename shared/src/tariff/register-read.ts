import { allocate } from '../money/index.js';
import type { UsageSeries } from './batch.js';
import type { CompiledVersion } from './compile.js';
import { countDays } from './day-count.js';
import { segmentsOf } from './period-state.js';
import { safeNumber } from './safe-number.js';
import { TariffError } from './tariff-error.js';

/** A register-only read: the energy between two reads, no interval data. */
export interface RegisterRead {
  fromMs: number;
  toMs: number;
  wh: number;
}

/**
 * Splits a register read across tariff versions by exact day fractions (largest remainder to
 * whole Wh) and returns it as one pseudo-interval per version segment, starting at the segment
 * start. 300 kWh over June with a new version from June 11 → 100 000 Wh (10/30) + 200 000 Wh.
 * Meant for tariffs without TOU: each part is rated in the period of its first minute.
 */
export function registerReadUsage(versions: readonly CompiledVersion[], read: RegisterRead) {
  if (!Number.isSafeInteger(read.wh) || read.wh < 0) {
    throw new TariffError('read.wh', `expected a whole non-negative Wh count, got ${read.wh}`);
  }
  const segments = segmentsOf(versions, read.fromMs, read.toMs);
  if (segments.length === 0) throw new TariffError('read', 'no tariff version in effect');
  const days = segments.map((s) => {
    const v = versions.find((x) => x.versionId === s.versionId)!;
    return countDays(v, s.fromMs, s.toMs).days;
  });
  const common = days.reduce((a, d) => (a * d.d) / gcd(a, d.d), 1n);
  const weights = days.map((d) => (d.n * common) / d.d);
  const parts = allocate(BigInt(read.wh), weights);
  const usage: UsageSeries = {
    startMs: segments.map((s) => s.fromMs),
    wh: parts.map((p) => safeNumber(p, 'read.wh')),
    intervalSeconds: Math.round((read.toMs - read.fromMs) / 1000),
  };
  return usage;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
