/**
 * Deterministic UUID-formatted id for idempotent records; the gateway passes
 * `contentId` from `@gridbill/shared/ids` (injected so tests can count or vary ids).
 *
 * @example
 * contentId('charge', 'm1', 1_772_431_200_000, 'flat@v1') // → '…-…-8…-…-…' (same every time)
 */
export type ContentId = (namespace: string, ...parts: (string | number | bigint)[]) => string;
