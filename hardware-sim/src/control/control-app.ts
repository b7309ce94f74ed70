import { Hono } from 'hono';
import { SimError, type Simulator } from '../sim/simulator.js';
import { registerApiRoutes } from './api-routes.js';
import type { SimMetrics } from './metrics.js';
import { registerPanelRoutes } from './panel-routes.js';

/** The control port: API, panel, /healthz and /metrics. Errors become `{error}` JSON. */
export function createControlApp(sim: Simulator, metrics: SimMetrics): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    metrics.apiRequests.inc({ route: c.req.routePath });
  });
  app.onError((err, c) => {
    if (err instanceof SimError) return c.json({ error: err.message }, err.status);
    return c.json({ error: `internal error: ${err.message}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      meters: sim.list().length,
      simTimeMs: sim.now(),
      speed: sim.clock.speed(),
    }),
  );
  app.get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );
  registerApiRoutes(app, sim);
  registerPanelRoutes(app, sim);
  return app;
}
