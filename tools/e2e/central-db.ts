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
