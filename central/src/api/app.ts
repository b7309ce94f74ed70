import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { createMetrics } from './metrics.js';
import { docsPage, openApiDocument } from './openapi.js';
import { asProblem, sendJson, sendProblem } from './respond.js';
import type { RouteTable } from './route-kit.js';
import { recordRoutes } from './routes-records.js';
import { paymentRoutes } from './routes-payments.js';
import { planRoutes } from './routes-plans.js';
import { staffRoutes } from './routes-staff.js';
import { tariffRoutes } from './routes-tariffs.js';

export const MAX_BODY_BYTES = 64 * 1024;
/** The payment batch endpoint (≤ 500 items) may send up to 256 KiB. */
export const MAX_BATCH_BODY_BYTES = 256 * 1024;

/** Extra route groups (the staff UI registers itself here). */
export type Mount = (app: Hono, table: RouteTable, ctx: AppContext) => void;

/**
 * The central HTTP app: JSON API under /api, /healthz, /metrics, /openapi.json, /docs.
 * Every error is problem-details JSON; a rejected request changes nothing (writes run in one
 * transaction per request).
 */
export function createHttpApp(ctx: AppContext, mounts: Mount[] = []) {
  const app = new Hono();
  const table: RouteTable = [];
  const metrics = createMetrics();
  app.use('*', async (c, next) => {
    const start = ctx.clock.monoMs();
    await next();
    const route = c.req.routePath;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    const ms = ctx.clock.monoMs() - start;
    metrics.duration.observe({ method: c.req.method, route }, ms / 1000);
    const line = { method: c.req.method, route, status: c.res.status, ms };
    if (c.res.status >= 500) ctx.logger.error(line, 'request failed');
    else ctx.logger.debug(line, 'request');
  });
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        sendProblem(c, new Problem(413, 'body-too-large', `request body exceeds ${maxSize} bytes`)),
    });
  const small = limit(MAX_BODY_BYTES);
  const large = limit(MAX_BATCH_BODY_BYTES);
  const sync = limit(8 * 1024 * 1024); // upstream sync batches (≤ 5 000 events)
  app.use('*', (c, next) => {
    if (c.req.path.startsWith('/sync/')) return sync(c, next);
    return (c.req.path === '/api/payments/batch' ? large : small)(c, next);
  });
  app.onError((err, c) => {
    const p = asProblem(err);
    if (p.status >= 500) ctx.logger.error({ err, path: c.req.path }, 'unhandled error');
    return sendProblem(c, p);
  });
  app.notFound((c) =>
    sendProblem(c, new Problem(404, 'not-found', `no route ${c.req.method} ${c.req.path}`)),
  );
  app.get('/healthz', async (c) => {
    await ctx.store.db.selectFrom('ledger_head').select('seq').execute();
    return sendJson(c, 200, { status: 'ok', store: ctx.store.backend });
  });
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );
  staffRoutes(app, table, ctx);
  recordRoutes(app, table, ctx);
  paymentRoutes(app, table, ctx, () => metrics.payments.inc());
  tariffRoutes(app, table, ctx);
  planRoutes(app, table, ctx);
  for (const mount of mounts) mount(app, table, ctx);
  app.get('/openapi.json', (c) => sendJson(c, 200, openApiDocument(table)));
  app.get('/docs', (c) => c.html(docsPage(table)));
  return { app, routes: table, metrics };
}
