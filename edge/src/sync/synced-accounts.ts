import type { AccountConfig } from '../config/index.js';
import type { Engine } from '../engine/engine.js';
import type { AccountAssignmentBody } from './change-types.js';

/**
 * The engine's view of an account central assigned: tariff and mode from central (central
 * owns accounts), the opening balance and hybrid active mode kept from what the gateway had.
 * Example: { accountId: 'A-9', mode: 'prepaid', tariffId: 't-res' } on a gateway that did not
 * know A-9 → { id: 'A-9', mode: 'prepaid', tariffId: 't-res', openingBalanceMinor: 0n }.
 */
export function accountFromCentral(
  current: AccountConfig | undefined,
  a: AccountAssignmentBody,
): AccountConfig {
  return {
    id: a.accountId,
    mode: a.mode,
    tariffId: a.tariffId,
    openingBalanceMinor: current?.openingBalanceMinor ?? 0n,
    ...(a.mode === 'hybrid' ? { activeMode: current?.activeMode ?? 'prepaid' } : {}),
  };
}

/**
 * Puts the accounts central assigned (stored in `sync_assignments`) into the engine at start,
 * over the configured ones, then binds meters central moved to another known account.
 * Returns how many accounts. Example: after a restart → the accounts learned from the feed
 * are rated and enforced again, and a moved meter charges its new account.
 */
export function restoreSyncedAccounts(engine: Engine): number {
  let rows: { kind: string; body: string }[];
  try {
    rows = engine.deps.db
      .prepare(
        'SELECT kind, body FROM sync_assignments ' +
          "WHERE kind IN ('account-assignment', 'meter-assignment') ORDER BY kind",
      )
      .all() as { kind: string; body: string }[];
  } catch {
    return 0;
  }
  let accounts = 0;
  for (const r of rows) {
    if (r.kind === 'account-assignment') {
      const a = JSON.parse(r.body) as AccountAssignmentBody;
      engine.accounts.set(a.accountId, accountFromCentral(engine.accounts.get(a.accountId), a));
      accounts += 1;
    } else {
      const m = JSON.parse(r.body) as { meterId: string; accountId: string | null };
      if (m.accountId !== null) engine.rebindMeter(m.meterId, m.accountId);
    }
  }
  return accounts;
}
