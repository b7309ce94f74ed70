/**
 * Formats 32 hex digits as a UUID string.
 *
 * @example formatUuidHex('017f22e279b07cc398c4dc0c0c07398f')
 * // '017f22e2-79b0-7cc3-98c4-dc0c0c07398f'
 */
export function formatUuidHex(hex: string): string {
  const h = (from: number, to?: number): string => hex.slice(from, to);
  return `${h(0, 8)}-${h(8, 12)}-${h(12, 16)}-${h(16, 20)}-${h(20)}`;
}
