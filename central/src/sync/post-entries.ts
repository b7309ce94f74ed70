import { chainEntry, type EntryDraft, validateEntry } from '@gridbill/shared/ledger';
import { insertChained, lockHead } from '../ledger/ledger-repo.js';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

const CHUNK = 400;

/**
 * Posts many entries in one go: ids already in the ledger are skipped (idempotent replays),
 * the rest are chained after the locked head and inserted in a few statements.
 * Returns the ids posted now.
 */
export async function postEntriesOnce(
  trx: Transaction<Database>,
  drafts: readonly EntryDraft[],
  postedAtMs: number,
): Promise<string[]> {
  if (drafts.length === 0) return [];
  for (const d of drafts) validateEntry(d);
  const existing = new Set<string>();
  const ids = drafts.map((d) => d.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('ledger_entries')
      .select('id')
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) existing.add(r.id);
  }
  const fresh = drafts.filter((d) => !existing.has(d.id));
  const unique = [...new Map(fresh.map((d) => [d.id, d])).values()];
  if (unique.length === 0) return [];
  const head = await lockHead(trx);
  let prev = head.hash;
  let seq = head.seq;
  const chained = unique.map((d) => {
    seq += 1n;
    const entry = chainEntry(d, prev, seq, postedAtMs);
    prev = entry.hash;
    return entry;
  });
  await insertChained(trx, chained);
  return chained.map((e) => e.id);
}
