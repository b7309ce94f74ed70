import type { Child } from 'hono/jsx';
import type { StaffUser } from '../staff/users.js';
import { can } from '../staff/roles.js';

const CSS = [
  'body{font-family:system-ui,sans-serif;margin:0;color:#1d2733}',
  'header{background:#1d3557;color:#fff;padding:.6rem 1.2rem}',
  'header{display:flex;gap:1.2rem;align-items:center}',
  'header a{color:#fff;text-decoration:none}',
  'main{padding:1rem 1.2rem;max-width:70rem}',
  'table{border-collapse:collapse;width:100%}',
  'td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde}',
  '.num{text-align:right;font-variant-numeric:tabular-nums}',
  '.card{border:1px solid #ccd;border-radius:6px;padding:.8rem;margin:.6rem 0}',
  '.warn{color:#a4161a}',
  '.ok{color:#2b7a0b}',
  'label{display:block;margin:.4rem 0}',
  'input,select{padding:.3rem;font-size:1rem}',
  'button{padding:.4rem .9rem;font-size:1rem}',
  '.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}',
].join('\n');

/** htmx swaps 4xx fragments too, so problems show next to the form (5xx stay errors). */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '[234]..', swap: true, error: false },
    { code: '...', swap: false, error: true },
  ],
});

/** Page frame with navigation by permission. */
export function Page(props: {
  title: string;
  user?: StaffUser;
  children?: Child;
  chart?: boolean;
}) {
  const u = props.user;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title} · Gridbill</title>
        <style>{CSS}</style>
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <script src="/ui/assets/htmx.min.js" />
        {props.chart ? <link rel="stylesheet" href="/ui/assets/uplot.min.css" /> : null}
        {props.chart ? <script src="/ui/assets/uplot.min.js" /> : null}
      </head>
      <body>
        <header>
          <strong>Gridbill</strong>
          {u ? <a href="/ui/customers">Customers</a> : null}
          {u && can(u.role, 'payments.post') ? <a href="/ui/cashier">Cashier</a> : null}
          {u ? <a href="/ui/tariffs">Tariffs</a> : null}
          {u && can(u.role, 'users.admin') ? <a href="/ui/admin/users">Admin</a> : null}
          {u ? (
            <span style="margin-left:auto">
              {u.displayName} ({u.role})
            </span>
          ) : null}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
