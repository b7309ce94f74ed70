export type SkewCheck =
  | { kind: 'ok'; skewMs: number }
  | { kind: 'skewed'; skewMs: number }
  | { kind: 'unknown'; reason: string };

/**
 * Compares a meter's clock with the gateway's; only meaningful when the gateway clock is
 * trusted (synchronised). `skewMs` is meter minus gateway.
 *
 * @example
 * checkClockSkew(1_000_300_000, { wallMs: 1_000_000_000, trusted: true }, 120_000)
 * // → { kind: 'skewed', skewMs: 300_000 }
 */
export function checkClockSkew(
  meterMs: number,
  gateway: { wallMs: number; trusted: boolean },
  maxSkewMs: number,
): SkewCheck {
  if (!gateway.trusted) return { kind: 'unknown', reason: 'gateway clock is not synchronised' };
  const skewMs = meterMs - gateway.wallMs;
  return Math.abs(skewMs) > maxSkewMs ? { kind: 'skewed', skewMs } : { kind: 'ok', skewMs };
}
