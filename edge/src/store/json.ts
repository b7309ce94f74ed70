/**
 * JSON with bigint support: bigints are written as decimal strings.
 *
 * @example
 * toJson({ amountMinor: -150n, wh: 12 }) // '{"amountMinor":"-150","wh":12}'
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
}
