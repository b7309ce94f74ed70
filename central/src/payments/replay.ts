import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { smallInt } from '../store/int.js';
import type { PaymentResult } from './payment-types.js';

/** Rebuilds the result of a recorded payment from the ledger and top-up rows. */
export async function replay(
  trx: Transaction<Database>,
  row: Database['payments'],
): Promise<PaymentResult> {
  const postings = await trx
    .selectFrom('ledger_postings')
    .select(['ledger_account', 'amount_minor'])
    .where('entry_id', '=', row.entry_id)
    .orderBy('line_no')
    .execute();
  const top = await trx
    .selectFrom('topups')
    .selectAll()
    .where('id', '=', row.entry_id)
    .executeTakeFirst();
  const topupAmount = postings.find((p) => p.ledger_account.startsWith('wallet:'))?.amount_minor;
  return {
    paymentId: row.id,
    entryId: row.entry_id,
    status: row.status as PaymentResult['status'],
    accountId: row.account_id,
    channel: row.channel as PaymentResult['channel'],
    provider: row.provider,
    providerTxnId: row.provider_txn_id,
    amountMinor: BigInt(row.amount_minor).toString(),
    currency: row.currency,
    receivedAtMs: smallInt(row.received_at_ms),
    allocation: postings.slice(1).map((x) => ({
      account: x.ledger_account,
      amountMinor: (-BigInt(x.amount_minor)).toString(),
    })),
    topup: top
      ? {
          tokenId: top.id,
          token: top.token,
          gatewayId: top.gateway_id,
          amountMinor: (-BigInt(topupAmount ?? 0n)).toString(),
          expiresAtMs: smallInt(top.expires_at_ms),
        }
      : null,
    duplicate: true,
  };
}
