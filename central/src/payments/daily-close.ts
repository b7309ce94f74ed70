import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';

/**
 * Cashier's daily close for one UTC day and currency: counts and sums the cashier's counter
 * payments (reversed ones excluded), records the declared cash and the difference. One close
 * per cashier, day and currency.
 *
 * @example closeDay(ctx, actor, { dateKey: '2026-11-28', currency: 'KES', declaredMinor: 15000n })
 *   → { count: 3, totalMinor: '15000', declaredMinor: '15000', differenceMinor: '0' }
 */
export function closeDay(
  ctx: AppContext,
  actor: Actor,
  c: { dateKey: string; currency: string; declaredMinor: bigint },
) {
  const startMs = Date.parse(`${c.dateKey}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(c.dateKey) || Number.isNaN(startMs)) {
    throw new Problem(422, 'invalid-date', `dateKey ${c.dateKey} is not YYYY-MM-DD`, '/dateKey');
  }
  return auditedWrite(ctx, actor, 'cashier.close', async (trx) => {
    const rows = await trx
      .selectFrom('payments')
      .select(['amount_minor'])
      .where('cashier_id', '=', actor.userId)
      .where('channel', '=', 'counter')
      .where('currency', '=', c.currency)
      .where('status', '!=', 'reversed')
      .where('received_at_ms', '>=', BigInt(startMs))
      .where('received_at_ms', '<', BigInt(startMs + 86_400_000))
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
    };
    return { result, target: `cashier:${actor.userId}`, details: result };
  });
}
