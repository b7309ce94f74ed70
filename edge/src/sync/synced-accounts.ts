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
 * over the configured ones. Returns how many. Example: after a restart → the accounts learned
 * from the feed are rated and enforced again.
 */
export function restoreSyncedAccounts(engine: Engine): number {
  let rows: { body: string }[];
  try {
    rows = engine.deps.db
      .prepare("SELECT body FROM sync_assignments WHERE kind = 'account-assignment'")
      .all() as { body: string }[];
  } catch {
    return 0;
  }
  for (const r of rows) {
    const a = JSON.parse(r.body) as AccountAssignmentBody;
    engine.accounts.set(a.accountId, accountFromCentral(engine.accounts.get(a.accountId), a));
  }
  return rows.length;
}
