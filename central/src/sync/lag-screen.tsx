import type { Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import { Page } from '../ui/layout.js';
import { screen } from '../ui/ui-kit.js';
import { gatewayLag } from './lag.js';
import { syncDb } from './sync-schema.js';

const iso = (ms: number) => (ms === 0 ? '—' : new Date(ms).toISOString().slice(0, 19));

/** Staff panel: per-gateway sync lag (/ui/sync). */
export function syncLagScreen(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/sync', 'records.read', async (c, user) => {
    const rows = await gatewayLag(syncDb(ctx.store.db));
    return c.html(
      <Page title="Gateway sync" user={user}>
        <table id="sync-lag">
          <thead>
            <tr>
              <th>Gateway</th>
              <th>Acked seq</th>
              <th>Pending events</th>
              <th>Oldest pending (UTC)</th>
              <th>Last contact (UTC)</th>
              <th>Quarantined</th>
              <th>Alarms</th>
              <th>Re-rating</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.gatewayId}</td>
                <td>{r.ackedThroughSeq}</td>
                <td>{r.pendingEvents}</td>
                <td>{iso(r.oldestPendingMs)}</td>
                <td>{iso(r.lastContactMs)}</td>
                <td>{r.quarantined}</td>
                <td>{r.alarms}</td>
                <td>
                  <a href={`/ui/sync/${encodeURIComponent(r.gatewayId)}/reconciliation`}>
                    reconciliation
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Page>,
    );
  });
}
