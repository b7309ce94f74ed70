import type { Hono } from 'hono';
import { account360 } from '../api/routes-records.js';
import type { AppContext } from '../app/context.js';
import { type ConsumptionPoint, consumptionSeries } from '../sync/consumption.js';
import { syncDb } from '../sync/sync-schema.js';
import { Page } from './layout.js';
import { moneyText } from './money-text.js';
import { screen } from './ui-kit.js';

type View = Awaited<ReturnType<typeof account360>>;

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

function Header(props: { v: View }) {
  const { v } = props;
  const cur = v.account.currency;
  const relay = v.meters.map((m) => m.relayState ?? 'unknown').join(', ') || 'no meter';
  return (
    <div class="card kv" id="account-header">
      <span>Customer</span>
      <strong id="customer-name">{v.customer.name}</strong>
      <span>Account</span>
      <span>
        {v.account.number} · <span id="account-mode">{v.account.mode}</span>
      </span>
      <span>Address</span>
      <span>{v.premise?.address ?? '—'}</span>
      <span>Balance</span>
      <strong id="balance" class={v.balanceMinor < 0n ? 'warn' : 'ok'}>
        {moneyText(v.balanceMinor, cur)}
      </strong>
      <span>Arrears</span>
      <span id="arrears">{moneyText(v.arrearsMinor, cur)}</span>
      <span>Relay (last reported)</span>
      <span>{relay}</span>
    </div>
  );
}

function Timeline(props: { v: View }) {
  const cur = props.v.account.currency;
  return (
    <table id="timeline">
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Reason</th>
          <th class="num">Amount</th>
          <th class="num">Balance</th>
        </tr>
      </thead>
      <tbody>
        {[...props.v.timeline].reverse().map((t) => (
          <tr>
            <td>{when(t.atMs)}</td>
            <td>
              {t.kind}: {t.memo}
            </td>
            <td>{t.reasonCode ?? ''}</td>
            <td class="num">{moneyText(t.amountMinor, cur)}</td>
            <td class="num">{moneyText(t.balanceAfterMinor, cur)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Balance-over-time chart; values travel as decimal strings and are plotted client-side. */
function BalanceChart(props: { v: View }) {
  const xs = props.v.timeline.map((t) => t.atMs / 1000);
  const ys = props.v.timeline.map((t) => t.balanceAfterMinor.toString());
  const data = JSON.stringify([xs, ys]).replaceAll('<', '\\u003c');
  const js = `(function(){var d=${data};d[1]=d[1].map(function(s){return +s;});
var opts={width:640,height:200,series:[{},{label:'balance (minor units)',stroke:'#1d3557'}]};
new uPlot(opts,d,document.getElementById('balance-chart'));})();`;
  return (
    <div class="card">
      <h2>Balance over time</h2>
      <div id="balance-chart" />
      <script dangerouslySetInnerHTML={{ __html: js }} />
    </div>
  );
}

/** Interval consumption (Wh) of the account's meters over the last week, as synced. */
function ConsumptionChart(props: { points: ConsumptionPoint[] }) {
  const xs = props.points.map((p) => p.startMs / 1000);
  const ys = props.points.map((p) => p.energyWh);
  const data = JSON.stringify([xs, ys]);
  const js = `(function(){var d=${data};
var opts={width:640,height:200,series:[{},{label:'Wh per interval',stroke:'#2a9d8f'}]};
new uPlot(opts,d,document.getElementById('consumption-chart'));})();`;
  const totalWh = props.points.reduce((sum, p) => sum + p.energyWh, 0);
  return (
    <div class="card">
      <h2>Consumption (last 7 days)</h2>
      {props.points.length === 0 ? (
        <p id="consumption-empty">No interval data synced from a gateway yet.</p>
      ) : (
        <>
          <p id="consumption-total">
            {props.points.length} intervals, {totalWh} Wh
          </p>
          <div id="consumption-chart" />
          <script dangerouslySetInnerHTML={{ __html: js }} />
        </>
      )}
    </div>
  );
}

export function accountScreens(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/accounts/:ref', 'records.read', async (c, user) => {
    const v = await account360(ctx, c.req.param('ref') ?? '');
    const weekAgoMs = ctx.clock.wallMs() - 7 * 86_400_000;
    const meterIds = v.meters.map((m) => m.id);
    const consumption = await consumptionSeries(syncDb(ctx.store.db), meterIds, weekAgoMs);
    const cur = v.account.currency;
    return c.html(
      <Page title={`Account ${v.account.number}`} user={user} chart>
        <Header v={v} />
        <h2>Meters</h2>
        <table>
          <tbody>
            {v.meters.map((m) => (
              <tr>
                <td>{m.serial}</td>
                <td>{m.model}</td>
                <td>gateway {m.gatewayId ?? '—'}</td>
                <td>installed {when(m.installedAtMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ConsumptionChart points={consumption} />
        <BalanceChart v={v} />
        <h2>Ledger timeline</h2>
        <Timeline v={v} />
        <h2>Payments</h2>
        <table id="payments">
          <tbody>
            {v.payments.map((p) => (
              <tr>
                <td>{when(p.receivedAtMs)}</td>
                <td>{p.channel}</td>
                <td>
                  {p.provider}:{p.providerTxnId}
                </td>
                <td>{p.status}</td>
                <td class="num">{moneyText(p.amountMinor, cur)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Page>,
    );
  });
}
