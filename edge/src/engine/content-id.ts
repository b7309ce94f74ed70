import { createHash } from 'node:crypto';

/** Deterministic UUID-formatted id for idempotent records (the agreed shared/ids API). */
export type ContentId = (namespace: string, ...parts: (string | number | bigint)[]) => string;

/**
 * Stand-in for `@gridbill/shared/ids` `contentId` until that module lands: SHA-256 of the
 * namespace and length-prefixed parts, formatted as a version-8 UUID. Injected, so swapping
 * in the shared one is a one-line change in `open-engine.ts`.
 *
 * @example
 * sha256ContentId('charge', 'm1', 0, 'v1') // → 'xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx'
 */
export const sha256ContentId: ContentId = (namespace, ...parts) => {
  const h = createHash('sha256');
  for (const p of [namespace, ...parts.map(String)]) h.update(`${p.length}:${p}`);
  const b = h.digest();
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
