import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import {
  applyPolicyEvent,
  type Engine,
  OPERATOR_PRIORITY,
  operatorOrder,
  type RelayJournalRunner,
  redeemToken,
} from '../engine/index.js';
import type { GatewayMetrics } from './metrics.js';
import { buildStatus, type GatewayStatus } from './status.js';

const relayBody = z.object({
  action: z.enum(['open', 'close', 'lock', 'unlock']),
  reason: z.string().min(3, 'give a reason of at least 3 characters').max(200),
  priority: z.number().int().min(0).max(9).default(OPERATOR_PRIORITY),
});
const tokenBody = z.object({ token: z.string().min(1).max(400) });
const safeModeBody = z.object({ on: z.boolean(), reason: z.string().min(3).max(200) });

export interface HttpDeps {
  engine: Engine;
  runner: RelayJournalRunner;
  metrics: GatewayMetrics;
  incarnationId: string;
}

/**
 * Local operator API: /healthz, /metrics, /api/status, POST /api/relay/:meterId,
 * POST /api/emergency-credit/:meterId, POST /api/tokens/redeem, POST /api/safe-mode and an HTML
 * status page at /. Bound to 127.0.0.1 by default.
 */
export function createHttpApp(deps: HttpDeps): Hono {
  const { engine, runner, metrics } = deps;
  const app = new Hono();
  app.get('/healthz', (c) =>
    c.json({ ok: engine.deps.db.open, safeMode: engine.safeMode }, engine.deps.db.open ? 200 : 503),
  );
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  app.get('/api/status', (c) => c.json(buildStatus(engine, deps.incarnationId)));
  app.post('/api/relay/:meterId', async (c) => {
    const meterId = c.req.param('meterId');
    const parsed = relayBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
    if (!engine.meters.has(meterId)) return c.json({ error: `unknown meter "${meterId}"` }, 404);
    const { action, reason, priority } = parsed.data;
    const result = operatorOrder(engine, meterId, action, reason, priority);
    runner.kick();
    const settled = result.outcome === 'accepted' || result.outcome === 'done';
    return c.json({ meterId, action, ...result }, settled ? 202 : 409);
  });
  app.post('/api/emergency-credit/:meterId', (c) => {
    const meterId = c.req.param('meterId');
    if (!engine.meters.has(meterId)) return c.json({ error: `unknown meter "${meterId}"` }, 404);
    const ev = { type: 'emergency_credit' } as const;
    const actions = engine.transact(() =>
      applyPolicyEvent(engine, meterId, ev, 'emergency credit'),
    );
    runner.kick();
    if (!actions.includes('grant_emergency'))
      return c.json(
        { meterId, granted: false, reason: 'not available (used, not prepaid or too low)' },
        409,
      );
    return c.json({ meterId, granted: true, actions });
  });
  app.post('/api/tokens/redeem', async (c) => {
    const parsed = tokenBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
    const result = redeemToken(engine, parsed.data.token);
    if (result.ok) runner.kick();
    const body = result.ok
      ? {
          ...result,
          amountMinor: String(result.amountMinor),
          balanceMinor: String(result.balanceMinor),
        }
      : result;
    return c.json(body, result.ok ? 200 : 422);
  });
  app.post('/api/safe-mode', async (c) => {
    const parsed = safeModeBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
    const { on, reason } = parsed.data;
    if (on) engine.safe.enter('manual', `operator: ${reason}`);
    else engine.safe.leave('all', `operator: ${reason}`);
    if (!on) runner.kick(); // disconnects held in safe mode may go now
    return c.json({
      safeMode: engine.safeMode,
      reason: engine.safeModeReason,
      causes: engine.safe.causes(),
    });
  });
  app.get('/', (c) => c.html(statusPage(buildStatus(engine, deps.incarnationId))));
  return app;
}

function statusPage(s: GatewayStatus) {
  const meters = s.meters.map(
    (m) => html`<tr><td>${m.id}</td><td>${m.accountId}</td><td>${m.lastValueWh ?? '-'}</td>
      <td>${m.lastReadMs === null ? '-' : new Date(m.lastReadMs).toISOString()}</td>
      <td>${m.relayPhase}</td><td>${m.alert}</td></tr>`,
  );
  const balances = s.balances.map(
    (b) => html`<tr><td>${b.accountId}</td><td>${b.mode}</td><td>${b.balanceMinor}</td></tr>`,
  );
  const commands = s.pendingCommands.map(
    (p) => html`<tr><td>${p.id}</td><td>${p.meterId}</td><td>${p.action}</td><td>${p.status}</td>
      <td>${p.attempts}</td></tr>`,
  );
  return html`<!doctype html><html><head><meta charset="utf-8"><title>${s.gatewayId}</title>
<meta http-equiv="refresh" content="10"></head><body>
<h1>Gateway ${s.gatewayId}</h1>
<p>incarnation ${s.incarnationId} · clock ${s.clockTrusted ? 'synchronised' : 'NOT trusted'} ·
${s.safeMode ? html`<strong>SAFE MODE (no disconnections): ${s.safeModeReason}</strong>` : ''}
${s.safeMode ? '' : 'normal'} ·
outbox ${s.outbox.lastSeq} (lag ${s.outbox.lag})</p>
<h2>Meters</h2><table border="1"><tr><th>meter</th><th>account</th><th>register Wh</th>
<th>last read</th><th>relay</th><th>alert</th></tr>${meters}</table>
<h2>Balances (minor units)</h2><table border="1"><tr><th>account</th><th>mode</th>
<th>balance</th></tr>${balances}</table>
<h2>Pending relay commands</h2><table border="1"><tr><th>id</th><th>meter</th><th>action</th>
<th>status</th><th>attempts</th></tr>${commands}</table></body></html>`;
}
