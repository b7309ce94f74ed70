import { addDays, localParts } from '@gridbill/shared/time';
import type { Hono } from 'hono';
import type { AppContext } from '../../app/context.js';
import { Page } from '../../ui/layout.js';
import { moneyText } from '../../ui/money-text.js';
import { screen } from '../../ui/ui-kit.js';
import { REASONS } from './classify.js';
import { reportFor } from './reconcile-routes.js';

const DEFAULT_DAYS = 14;

/**
 * Staff screen `/ui/sync/:gw/reconciliation?from=&to=` (default: the last 14 UTC days): per
 * local day, edge total, central total, adjustments and differing intervals per reason.
 */
export function reconcileScreen(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/sync/:gw/reconciliation', 'ledger.read', async (c, user) => {
    const gw = c.req.param('gw') ?? '';
    const today = localParts(ctx.clock.wallMs(), 'UTC').dateKey;
    const to = c.req.query('to') ?? today;
    const from = c.req.query('from') ?? addDays(today, 1 - DEFAULT_DAYS);
    const days = await reportFor(ctx, gw, from, to);
    return c.html(
      <Page title={`Reconciliation ${gw}`} user={user}>
        <p>
          Central re-rates every interval the gateway rated; differences are posted as adjustment
          entries. <a href="/ui/sync">Back to gateway sync</a>
        </p>
        <form method="get">
          From <input name="from" value={from} /> to <input name="to" value={to} />{' '}
          <button type="submit">Show</button>
        </form>
        <table id="reconciliation">
          <thead>
            <tr>
              <th>Day</th>
              <th>Accounts</th>
              <th>Edge total</th>
              <th>Central total</th>
              <th>Adjustments</th>
              <th>Intervals</th>
              <th>Differing</th>
              {REASONS.map((r) => (
                <th>{r}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr>
                <td>{d.day}</td>
                <td>{d.accounts}</td>
                <td>{moneyText(d.edgeTotalMinor, d.currency)}</td>
                <td>{moneyText(d.centralTotalMinor, d.currency)}</td>
                <td>{moneyText(d.adjustmentsMinor, d.currency)}</td>
                <td>{d.intervals}</td>
                <td>{d.intervalsDiffering}</td>
                {REASONS.map((r) => (
                  <td>{d.reasons[r]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {days.length === 0 ? <p id="no-days">No reconciled days in this range.</p> : null}
      </Page>,
    );
  });
}
