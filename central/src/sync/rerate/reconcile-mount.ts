import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { RouteTable } from '../../api/route-kit.js';
import type { AppContext } from '../../app/context.js';
import { registerReconcileMetrics } from './reconcile-metrics.js';
import { reconcileRoutes } from './reconcile-routes.js';
import { reconcileScreen } from './reconcile-screen.js';

/** The reconciliation API route, staff screen and gauges (in the sync metrics registry). */
export function reconcileMount(app: Hono, table: RouteTable, ctx: AppContext, registry: Registry) {
  reconcileRoutes(app, table, ctx);
  reconcileScreen(app, ctx);
  registerReconcileMetrics(registry, ctx.store.reader);
}
