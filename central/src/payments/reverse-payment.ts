import { contentId } from '@gridbill/shared/ids';
import { REVERSAL_REASONS, type ReversalReason, reversalOf } from '@gridbill/shared/ledger';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import { appendEntry, getEntry } from '../ledger/ledger-repo.js';
import { auditedWrite } from '../records/write.js';
import type { Actor } from '../staff/audit.js';

/**
 * Reverses a payment (bounced cheque, chargeback, posting error) with a compensating entry;
 * the original stays. A second reversal of the same payment is refused with 409.
 */
export function reversePayment(
  ctx: AppContext,
  actor: Actor,
  paymentId: string,
  reasonCode: string,
) {
  if (!(REVERSAL_REASONS as readonly string[]).includes(reasonCode)) {
    throw new Problem(
      422,
      'invalid-reason-code',
      `reasonCode must be one of ${REVERSAL_REASONS.join(', ')}`,
      '/reasonCode',
    );
  }
  return auditedWrite(ctx, actor, 'payment.reverse', async (trx) => {
    const pay = await trx
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', paymentId)
      .executeTakeFirst();
    if (!pay) throw notFound('payment', paymentId);
    const done = await trx
      .selectFrom('payment_reversals')
      .select('entry_id')
      .where('payment_id', '=', paymentId)
      .executeTakeFirst();
    if (done)
      throw new Problem(
        409,
        'already-reversed',
        `payment ${paymentId} was reversed by ${done.entry_id}`,
      );
    const original = (await getEntry(trx, pay.entry_id))!;
    const id = contentId('reversal', pay.entry_id);
    const nowMs = ctx.clock.wallMs();
    const draft = reversalOf(original, {
      id,
      reasonCode: reasonCode as ReversalReason,
      effectiveAtMs: nowMs,
      actorId: actor.userId,
    });
    await appendEntry(trx, draft, nowMs);
    await trx
      .insertInto('payment_reversals')
      .values({
        payment_id: paymentId,
        entry_id: id,
        reason_code: reasonCode,
        at_ms: BigInt(nowMs),
      })
      .execute();
    await trx
      .updateTable('payments')
      .set({ status: 'reversed' })
      .where('id', '=', paymentId)
      .execute();
    return {
      result: { paymentId, reversalEntryId: id, reasonCode },
      target: `payment:${paymentId}`,
      accountId: pay.account_id,
    };
  });
}
