import { addDays, localMidnightUtcMs, parseDateKey } from '@gridbill/shared/time';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';

/**
 * The UTC instants a local day spans in `timeZone`: [first instant, first instant of the next
 * day). 23 or 25 hours long on DST change days.
 *
 * @example localDaySpan('2026-03-29', 'Europe/London')
 *   // { startMs: Date.UTC(2026, 2, 29, 0), endMs: Date.UTC(2026, 2, 29, 23) }  (23 hours)
 */
export function localDaySpan(dateKey: string, timeZone: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dateKey)) {
    throw new Problem(422, 'invalid-date', `dateKey ${dateKey} is not YYYY-MM-DD`, '/dateKey');
  }
  try {
    parseDateKey(dateKey, 'dateKey');
    const next = addDays(dateKey, 1);
    return {
      startMs: localMidnightUtcMs(dateKey, timeZone),
      endMs: localMidnightUtcMs(next, timeZone),
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Problem(422, 'invalid-date', `dateKey ${dateKey}: ${why}`, '/dateKey');
  }
}

/**
 * Cashier's daily close for one LOCAL day of the utility (`ctx.timeZone`, DST-correct) and
 * currency: counts and sums the cashier's counter payments received in that day (reversed
 * ones excluded), records the declared cash and the difference. One close per cashier, day
 * and currency.
 *
 * @example closeDay(ctx, actor, { dateKey: '2026-11-28', currency: 'KES', declaredMinor: 15000n })
 *   → { count: 3, totalMinor: '15000', declaredMinor: '15000', differenceMinor: '0',
 *       timeZone: 'Africa/Nairobi', fromMs: 1795813200000, toMs: 1795899600000 }
 */
export function closeDay(
  ctx: AppContext,
  actor: Actor,
  c: { dateKey: string; currency: string; declaredMinor: bigint },
) {
  const { startMs, endMs } = localDaySpan(c.dateKey, ctx.timeZone);
  return auditedWrite(ctx, actor, 'cashier.close', async (trx) => {
    const rows = await trx
      .selectFrom('payments')
      .select(['amount_minor'])
      .where('cashier_id', '=', actor.userId)
      .where('channel', '=', 'counter')
      .where('currency', '=', c.currency)
      .where('status', '!=', 'reversed')
      .where('received_at_ms', '>=', BigInt(startMs))
      .where('received_at_ms', '<', BigInt(endMs))
      .execute();
    const total = rows.reduce((s, r) => s + BigInt(r.amount_minor), 0n);
    const dup = await trx
      .selectFrom('cashier_closes')
      .select('id')
      .where('cashier_id', '=', actor.userId)
      .where('date_key', '=', c.dateKey)
      .where('currency', '=', c.currency)
      .executeTakeFirst();
    if (dup)
      throw new Problem(
        409,
        'already-closed',
        `${c.dateKey} is already closed for this cashier`,
        '/dateKey',
      );
    const id = ctx.newId();
    await trx
      .insertInto('cashier_closes')
      .values({
        id,
        cashier_id: actor.userId,
        date_key: c.dateKey,
        count: BigInt(rows.length),
        total_minor: total,
        declared_minor: c.declaredMinor,
        currency: c.currency,
        closed_at_ms: BigInt(ctx.clock.wallMs()),
      })
      .execute();
    const result = {
      id,
      dateKey: c.dateKey,
      count: rows.length,
      totalMinor: total.toString(),
      declaredMinor: c.declaredMinor.toString(),
      differenceMinor: (c.declaredMinor - total).toString(),
      timeZone: ctx.timeZone,
      fromMs: startMs,
      toMs: endMs,
    };
    return { result, target: `cashier:${actor.userId}`, details: result };
  });
}
