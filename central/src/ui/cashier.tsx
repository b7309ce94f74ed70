import { currencyExponent, DecimalParseError, parseDecimal } from '@gridbill/shared/money';
import type { Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { requestHashOf } from '../payments/index.js';
import type { PaymentResult } from '../payments/payment-types.js';
import { accountBalance, findAccount, metersOfPremise } from '../records/index.js';
import { Page } from './layout.js';
import { moneyText } from './money-text.js';
import { screen } from './ui-kit.js';

async function confirmView(ctx: AppContext, ref: string) {
  const a = await findAccount(ctx.store.db, ref);
  if (!a) throw new Problem(422, 'unknown-account', `No account ${ref}.`, '/account');
  const customer = await ctx.store.db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', a.customer_id)
    .executeTakeFirstOrThrow();
  const premise = a.premise_id
    ? await ctx.store.db
        .selectFrom('premises')
        .selectAll()
        .where('id', '=', a.premise_id)
        .executeTakeFirst()
    : undefined;
  const meters = a.premise_id ? await metersOfPremise(ctx.store.db, a.premise_id) : [];
  const { balanceMinor } = await accountBalance(ctx.store.db, a.id);
  return { a, customer, premise, meters, balanceMinor };
}

/** Parses the typed amount exactly in the account's currency ("25.50" → 2550n for KES). */
function amountMinorOf(text: string, currency: string): bigint {
  try {
    const v = parseDecimal(text.trim(), currencyExponent(currency), 'amount');
    if (v <= 0n)
      throw new Problem(422, 'invalid-amount', 'Amount must be more than zero.', '/amount');
    return v;
  } catch (err) {
    if (err instanceof DecimalParseError)
      throw new Problem(422, 'invalid-amount', err.message, '/amount');
    throw err;
  }
}

export function cashierScreens(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/cashier', 'payments.post', (c, user) =>
    c.html(
      <Page title="Post a payment" user={user}>
        <form hx-get="/ui/cashier/confirm" hx-target="#confirm">
          <label>
            Account number <input name="account" id="account" required />
          </label>
          <button type="submit" id="look-up">
            Look up
          </button>
        </form>
        <div id="confirm" />
        <div id="receipt" />
      </Page>,
    ),
  );
  screen(app, ctx, 'get', '/ui/cashier/confirm', 'payments.post', async (c) => {
    const v = await confirmView(ctx, (c.req.query('account') ?? '').trim());
    const key = ctx.newId();
    return c.html(
      <div class="card" id="confirm-card">
        <div class="kv">
          <span>Name</span>
          <strong id="confirm-name">{v.customer.name}</strong>
          <span>Address</span>
          <span id="confirm-address">{v.premise?.address ?? '—'}</span>
          <span>Meter</span>
          <span id="confirm-meter">{v.meters.map((m) => m.serial).join(', ') || '—'}</span>
          <span>Balance</span>
          <span>{moneyText(v.balanceMinor, v.a.currency)}</span>
        </div>
        <form hx-post="/ui/cashier/pay" hx-target="#receipt">
          <input type="hidden" name="account" value={v.a.number} />
          <input type="hidden" name="key" value={key} />
          <label>
            Amount ({v.a.currency}) <input name="amount" id="amount" inputmode="decimal" required />
          </label>
          <button type="submit" id="confirm-pay">
            Confirm payment to {v.customer.name}
          </button>
        </form>
      </div>,
    );
  });
  screen(app, ctx, 'post', '/ui/cashier/pay', 'payments.post', async (c, user) => {
    const form = await c.req.parseBody();
    const ref = String(form.account ?? '');
    const key = String(form.key ?? '');
    const a = await findAccount(ctx.store.db, ref);
    if (!a) throw new Problem(422, 'unknown-account', `No account ${ref}.`, '/account');
    const amountMinor = amountMinorOf(String(form.amount ?? ''), a.currency);
    const input = {
      channel: 'counter' as const,
      provider: 'cash',
      providerTxnId: `${user.id}:${key}`,
      accountNumber: a.number,
      amountMinor,
      currency: a.currency,
      receivedAtMs: null,
    };
    const actor = { userId: user.id, reason: 'counter payment', comment: '' };
    const scopeKey = `${user.id}:${key}`;
    const res = await ctx.payments.submit({
      scopeKey,
      requestHash: requestHashOf(input),
      input,
      actor,
    });
    if (!res.ok) throw res.problem;
    const p = res.body as PaymentResult;
    const { balanceMinor } = await accountBalance(ctx.store.db, a.id);
    return c.html(
      <div class="card ok" id="payment-receipt">
        <p>
          Posted {moneyText(p.amountMinor, p.currency)} to account {a.number}. New balance{' '}
          <strong id="new-balance">{moneyText(balanceMinor, a.currency)}</strong>.
        </p>
        {p.topup ? (
          <p>
            Top-up token: <code id="topup-token">{p.topup.token}</code>
          </p>
        ) : null}
        <p>
          Receipt {p.paymentId}.{' '}
          <a href={`/ui/accounts/${a.number}`} id="open-account">
            Open account
          </a>
        </p>
      </div>,
    );
  });
}
