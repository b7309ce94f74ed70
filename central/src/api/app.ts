import { type Context, Hono } from 'hono';
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

/** Upstream sync batches (≤ 5 000 events) may send up to 8 MiB. */
export const MAX_SYNC_BODY_BYTES = 8 * 1024 * 1024;

/** The body size limit of a request path. */
function maxBodyBytesOf(path: string): number {
  if (path.startsWith('/sync/')) return MAX_SYNC_BODY_BYTES;
  return path === '/api/payments/batch' ? MAX_BATCH_BODY_BYTES : MAX_BODY_BYTES;
}

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
  const tooLarge = (c: Context, maxSize: number) =>
    sendProblem(c, new Problem(413, 'body-too-large', `request body exceeds ${maxSize} bytes`));
  const limits = new Map(
    [MAX_BODY_BYTES, MAX_BATCH_BODY_BYTES, MAX_SYNC_BODY_BYTES].map((maxSize) => [
      maxSize,
      bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) }),
    ]),
  );
  app.use('*', async (c, next) => {
    const maxSize = maxBodyBytesOf(c.req.path);
    // Fast path: hono's bodyLimit builds a whole web Request just to look at the body (a
    // third of a bare request's CPU); GET/HEAD carry none, a plain Content-Length is trusted
    // as the HTTP parser enforces it. Chunked bodies still go through bodyLimit.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxSize ? tooLarge(c, maxSize) : next();
    }
    return limits.get(maxSize)!(c, next);
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
