import { decodeChargeDay } from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Ledger entry ids per customer account in central's SQLite file (read-only), e.g.
 * `centralEntryIds(file).get(accountId)` → Set { '<charge id>', '<payment entry id>' }:
 * every entry with a posting on `receivable:<account>:…` or `wallet:<account>`.
 */
export function centralEntryIds(file: string): Map<string, Set<string>> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        'SELECT DISTINCT entry_id AS id, ledger_account AS account FROM ledger_postings ' +
          "WHERE ledger_account LIKE 'receivable:%' OR ledger_account LIKE 'wallet:%'",
      )
      .all() as { id: string; account: string }[];
    const byAccount = new Map<string, Set<string>>();
    for (const r of rows) {
      const accountId = r.account.split(':')[1] ?? '';
      const set = byAccount.get(accountId) ?? new Set<string>();
      set.add(r.id);
      byAccount.set(accountId, set);
    }
    return byAccount;
  } finally {
    db.close();
  }
}

/**
 * Edge-rated charge ids central stored, per account (`edge_charge_days`, packed per meter-day;
 * the id is derived, `chargeId(meter, start, tariff version)`; a batch's charges are posted to
 * the ledger as one entry, so ledger entry ids are not charge ids),
 * e.g. `centralChargeIds(file).get('A-1')` → Set { '3f1c…', … }.
 */
export function centralChargeIds(file: string): Map<string, Set<string>> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT meter_id, account_id, day_start_ms, packed FROM edge_charge_days')
      .all() as { meter_id: string; account_id: string; day_start_ms: number; packed: Buffer }[];
    const byAccount = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = byAccount.get(r.account_id) ?? new Set<string>();
      for (const c of decodeChargeDay(r.day_start_ms, new Uint8Array(r.packed)))
        set.add(chargeId(r.meter_id, c.startMs, c.tariffVersionId));
      byAccount.set(r.account_id, set);
    }
    return byAccount;
  } finally {
    db.close();
  }
}
