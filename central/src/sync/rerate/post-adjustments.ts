import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { postEntriesOnce } from '../post-entries.js';
import { type AccountDay, mainReason } from './account-days.js';
import { adjustmentEntry } from './adjustment-entry.js';
import { reconcileDb } from './reconcile-schema.js';

/** What one account-day write did. */
export interface DayOutcome {
  /** the adjustment posted now (0n = none) */
  adjustmentMinor: bigint;
  entryId: string | null;
}

/**
 * In the caller's transaction: reads the adjustments already posted for the account-day,
 * posts one adjustment entry for central − (edge + earlier) when it is not zero (revision =
 * earlier count + 1, deterministic id, so a concurrent run posts nothing twice), records it
 * and upserts the report row.
 * Example: a day with edge 14, central 15 and no earlier adjustment → entry revision 1 of +1;
 * the same day again → nothing posted, report row unchanged except `updated_at_ms`.
 */
export async function writeAccountDay(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  d: AccountDay,
  dayEndMs: number,
  nowMs: number,
): Promise<DayOutcome> {
  const trx = reconcileDb(coreTrx);
  const earlier = await trx
    .selectFrom('reconcile_adjustments')
    .select(['amount_minor', 'revision'])
    .where('account_id', '=', d.accountId)
    .where('day', '=', d.day)
    .execute();
  const earlierMinor = earlier.reduce((s, r) => s + BigInt(r.amount_minor), 0n);
  const revision = earlier.length + 1;
  const amountMinor = d.centralTotalMinor - d.edgeTotalMinor - earlierMinor;
  let entryId: string | null = null;
  if (amountMinor !== 0n) {
    const reason = mainReason(d.reasonAmounts);
    const entry = adjustmentEntry({
      ...d,
      gatewayId,
      revision,
      amountMinor,
      reason,
      earlierMinor,
      effectiveAtMs: Math.min(dayEndMs, nowMs),
    });
    await postEntriesOnce(coreTrx, [entry], nowMs);
    await trx
      .insertInto('reconcile_adjustments')
      .values({
        entry_id: entry.id,
        gateway_id: gatewayId,
        account_id: d.accountId,
        day: d.day,
        revision: BigInt(revision),
        amount_minor: amountMinor,
        reason,
        created_at_ms: BigInt(nowMs),
      })
      .execute();
    entryId = entry.id;
  }
  await upsertReport(
    coreTrx,
    gatewayId,
    d,
    earlierMinor + amountMinor,
    entryId ? revision : revision - 1,
    nowMs,
  );
  return { adjustmentMinor: amountMinor, entryId };
}

async function upsertReport(
  coreTrx: Transaction<Database>,
  gatewayId: string,
  d: AccountDay,
  adjustmentsMinor: bigint,
  revision: number,
  nowMs: number,
): Promise<void> {
  const row = {
    currency: d.currency,
    edge_total_minor: d.edgeTotalMinor,
    central_total_minor: d.centralTotalMinor,
    adjustments_minor: adjustmentsMinor,
    intervals: BigInt(d.intervals),
    intervals_differing: BigInt(d.intervalsDiffering),
    unrated: BigInt(d.unrated),
    reasons: JSON.stringify(d.reasons),
    revision: BigInt(revision),
    updated_at_ms: BigInt(nowMs),
  };
  await reconcileDb(coreTrx)
    .insertInto('reconcile_days')
    .values({ gateway_id: gatewayId, account_id: d.accountId, day: d.day, ...row })
    .onConflict((oc) => oc.columns(['gateway_id', 'account_id', 'day']).doUpdateSet(row))
    .execute();
}
