import type { Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import { listTariffs } from '../tariffs/tariff-records.js';
import { Page } from './layout.js';
import { screen } from './ui-kit.js';

export function tariffAndAdminScreens(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/tariffs', 'tariffs.read', async (c, user) => {
    const tariffs = await listTariffs(ctx.store.db);
    return c.html(
      <Page title="Tariffs" user={user}>
        <table id="tariffs">
          <thead>
            <tr>
              <th>Tariff</th>
              <th>Currency</th>
              <th>Version</th>
              <th>Effective from (UTC)</th>
              <th>Signed by</th>
            </tr>
          </thead>
          <tbody>
            {tariffs.flatMap((t) =>
              t.versions.map((v) => (
                <tr>
                  <td>{t.name}</td>
                  <td>{t.currency}</td>
                  <td>{v.versionId}</td>
                  <td>{new Date(v.effectiveFromMs).toISOString().slice(0, 16)}</td>
                  <td>{v.keyId}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        <h2>Simulator</h2>
        <form hx-get="/ui/tariffs/simulate" hx-target="#simulator-result">
          <label>
            Version{' '}
            <select name="versionId" id="sim-version">
              {tariffs.flatMap((t) =>
                t.versions.map((v) => (
                  <option value={v.versionId}>
                    {t.name} · {v.versionId}
                  </option>
                )),
              )}
            </select>
          </label>
          <label>
            Month <input name="month" id="sim-month" placeholder="2026-11" required />
          </label>
          <label>
            Usage (kWh) <input name="kwh" id="sim-kwh" inputmode="decimal" required />
          </label>
          <button type="submit" id="sim-run">
            Rate
          </button>
        </form>
        <div id="simulator-result" />
        <p>
          Whole usage files: <code>gridbill-central tariff rate</code>.
        </p>
      </Page>,
    );
  });
  screen(app, ctx, 'get', '/ui/admin/users', 'users.admin', async (c, user) => {
    const users = await ctx.store.db
      .selectFrom('users')
      .select(['username', 'display_name', 'role'])
      .orderBy('username')
      .execute();
    return c.html(
      <Page title="Staff users" user={user}>
        <table id="users">
          <tbody>
            {users.map((u) => (
              <tr>
                <td>{u.username}</td>
                <td>{u.display_name}</td>
                <td>{u.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Page>,
    );
  });
}
