import { createHash } from 'node:crypto';

/** Stable SHA-256 of a request body (bigint as decimal text, keys sorted). */
export function requestHashOf(body: unknown): string {
  const canon = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canon(body)))
    .digest('hex');
}
