import { createHash } from 'node:crypto';
import type { ChainedEntry, EntryDraft } from './entry.js';

/** Hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical text of an entry: fields in fixed order, one per line, postings in line order.
 * Stable across backends and versions; changing it breaks every stored chain.
 */
export function canonicalEntry(e: EntryDraft, seq: bigint, postedAtMs: number): string {
  const lines = [
    `id=${e.id}`,
    `seq=${seq}`,
    `kind=${e.kind}`,
    `currency=${e.currency}`,
    `effectiveAtMs=${e.effectiveAtMs}`,
    `postedAtMs=${postedAtMs}`,
    `externalRef=${e.externalRef ?? ''}`,
    `reversesId=${e.reversesId ?? ''}`,
    `reasonCode=${e.reasonCode ?? ''}`,
    `actorId=${e.actorId}`,
    `memo=${JSON.stringify(e.memo ?? '')}`,
    ...e.postings.map((p, i) => `posting.${i}=${p.account} ${p.amountMinor}`),
  ];
  return lines.join('\n');
}

/**
 * Chains an entry after `prevHash`: hash = SHA-256 hex of `prevHash + "\n" + canonical`.
 *
 * @example chainEntry(draft, GENESIS_HASH, 1n, 1700000000000).hash  // 64 hex chars
 */
export function chainEntry(
  e: EntryDraft,
  prevHash: string,
  seq: bigint,
  postedAtMs: number,
): ChainedEntry {
  const hash = createHash('sha256')
    .update(`${prevHash}\n${canonicalEntry(e, seq, postedAtMs)}`)
    .digest('hex');
  return { ...e, seq, postedAtMs, prevHash, hash };
}

/** Result of walking a chain: ok, or the first seq that does not verify and why. */
export type ChainCheck =
  | { ok: true; count: number; headHash: string }
  | { ok: false; seq: bigint; why: string };

/** Re-verifies entries in seq order from genesis (seq 1). */
export function verifyChain(entries: Iterable<ChainedEntry>): ChainCheck {
  let prev = GENESIS_HASH;
  let expectSeq = 1n;
  let count = 0;
  for (const e of entries) {
    if (e.seq !== expectSeq) return { ok: false, seq: e.seq, why: `expected seq ${expectSeq}` };
    if (e.prevHash !== prev) return { ok: false, seq: e.seq, why: 'prevHash does not link' };
    const again = chainEntry(e, prev, e.seq, e.postedAtMs);
    if (again.hash !== e.hash) return { ok: false, seq: e.seq, why: 'hash does not match content' };
    prev = e.hash;
    expectSeq += 1n;
    count += 1;
  }
  return { ok: true, count, headHash: prev };
}
