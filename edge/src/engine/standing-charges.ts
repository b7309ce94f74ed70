import type { StandingCharge } from '@gridbill/shared/tariff';
import { addDays, localParts } from '@gridbill/shared/time';
import type { AccountConfig } from '../config/index.js';
import type { Engine } from './engine.js';
import { postBalanceChange } from './events.js';
import { evaluateAccounts } from './relay-policy.js';
import { readMeta, writeMeta } from '../store/meta.js';

/**
 * The standing charges of one tariff for one local day (`standingChargesOfDay` over the
 * tariff's versions); undefined while the gateway does not have the tariff.
 */
export type StandingChargeSource = (
  tariffId: string,
  dateKey: string,
) => StandingCharge[] | undefined;

const META_KEY = 'standing_charges_through';
/** Days drawn per account in one pass at most (a long backlog continues on the next pass). */
const MAX_DAYS_PER_PASS = 62;

/**
 * Draws the standing (fixed) charges of the tariff on every prepaid account (hybrid ones while
 * prepaid) for each local day (site zone) after the last day drawn, through today, in one
 * transaction: a `standing_charges` row and a `fixed-fee` balance change per charge (id from
 * account, day, version and component: drawn once here, posted once by central), the
 * per-account "drawn through" day in `meta` with them, then the relay policy. Runs on a
 * trusted clock only (an untrusted one could draw days that have not come); an account seen
 * for the first time starts today. Returns the charges drawn.
 * Example: account A1 last drawn 2026-06-01, today 2026-06-03, 10.00/day →
 *   two balance changes of −1000 (06-02 and 06-03), meta { A1: '2026-06-03' }.
 */
export function drawStandingCharges(engine: Engine, source: StandingChargeSource): number {
  if (!engine.deps.clockTrusted()) return 0;
  const { config } = engine.deps;
  const today = localParts(engine.deps.clock.wallMs(), config.siteTimeZone).dateKey;
  const through = readThrough(engine);
  const due = [...engine.accounts.values()].filter(
    (a) => drawsPrepaid(a) && (through[a.id] ?? '') < today,
  );
  if (due.length === 0) return 0;
  let drawn = 0;
  engine.transact(() => {
    for (const account of due) {
      const from = addDays(through[account.id] ?? addDays(today, -1), 1);
      const last = minKey(today, addDays(from, MAX_DAYS_PER_PASS - 1));
      for (let day = from; day <= last; day = addDays(day, 1)) {
        const charges = source(account.tariffId, day);
        if (charges === undefined) break; // tariff not here yet: this day is drawn later
        drawn += drawDay(engine, account, day, charges);
        through[account.id] = day;
      }
    }
    writeMeta(engine.deps.db, META_KEY, JSON.stringify(through));
    evaluateAccounts(
      engine,
      due.map((a) => a.id),
    );
  });
  return drawn;
}

const minKey = (a: string, b: string) => (a < b ? a : b);

function drawsPrepaid(a: AccountConfig): boolean {
  return a.mode === 'prepaid' || (a.mode === 'hybrid' && a.activeMode !== 'postpaid');
}

function drawDay(
  engine: Engine,
  account: AccountConfig,
  dateKey: string,
  charges: readonly StandingCharge[],
): number {
  if (charges.length === 0) return 0;
  const { contentId, db, clock } = engine.deps;
  const insert = db.prepare('INSERT OR IGNORE INTO standing_charges VALUES (?, ?, ?, ?, ?, ?, ?)');
  let drawn = 0;
  for (const c of charges) {
    const entryId = contentId('standing-charge', account.id, dateKey, c.versionId, c.componentId);
    const row = [account.id, dateKey, c.versionId, c.componentId, c.amountMinor, clock.wallMs()];
    if (insert.run(entryId, ...row).changes === 0) continue; // drawn before
    postBalanceChange(engine, {
      accountId: account.id,
      entryId,
      entryKind: 'fixed-fee',
      deltaMinor: -c.amountMinor,
      reference: `standing charge ${c.componentId} ${dateKey} (${c.versionId})`,
    });
    drawn += 1;
  }
  return drawn;
}

function readThrough(engine: Engine): Record<string, string> {
  const row = readMeta(engine.deps.db, META_KEY);
  return row === undefined ? {} : (JSON.parse(row) as Record<string, string>);
}
