import type { Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import { searchCustomers } from '../records/customers.js';
import { Page } from './layout.js';
import { screen } from './ui-kit.js';

type Row = Awaited<ReturnType<typeof searchCustomers>>[number];

function Results(props: { rows: Row[]; q: string }) {
  if (props.q.length === 0) return <p>Type a name, phone or account number.</p>;
  if (props.rows.length === 0) return <p id="no-results">No customer matches “{props.q}”.</p>;
  return (
    <table id="results">
      <thead>
        <tr>
          <th>Name</th>
          <th>Account</th>
          <th>Phone</th>
          <th>Address</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>
              {r.accountNumber ? <a href={`/ui/accounts/${r.accountNumber}`}>{r.name}</a> : r.name}
            </td>
            <td>{r.accountNumber ?? '—'}</td>
            <td>{r.phone}</td>
            <td>{r.address ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function customerScreens(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/customers', 'records.read', async (c, user) => {
    const q = (c.req.query('q') ?? '').trim();
    const rows = q ? await searchCustomers(ctx.store.db, q) : [];
    return c.html(
      <Page title="Customers" user={user}>
        <form method="get" action="/ui/customers">
          <input
            type="search"
            name="q"
            value={q}
            placeholder="name, phone, account number"
            hx-get="/ui/customers/results"
            hx-trigger="input changed delay:250ms, search"
            hx-target="#search-results"
          />
          <button type="submit">Search</button>
        </form>
        <div id="search-results">
          <Results rows={rows} q={q} />
        </div>
      </Page>,
    );
  });
  screen(app, ctx, 'get', '/ui/customers/results', 'records.read', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    return c.html(<Results rows={q ? await searchCustomers(ctx.store.db, q) : []} q={q} />);
  });
}
