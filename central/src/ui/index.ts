import type { Hono } from 'hono';
import type { RouteTable } from '../api/route-kit.js';
import type { AppContext } from '../app/context.js';
import { accountScreens } from './account-360.js';
import { ASSETS } from './assets.js';
import { cashierScreens } from './cashier.js';
import { customerScreens } from './customers.js';
import { signInScreens } from './sign-in.js';
import { tariffSimulatorScreens } from './tariff-simulator.js';
import { tariffAndAdminScreens } from './tariffs-admin.js';

/** Mounts the staff screens under /ui (server-rendered hono/jsx + htmx + uPlot). */
export function uiMount(app: Hono, _table: RouteTable, ctx: AppContext): void {
  app.get('/ui/assets/:name', (c) => {
    const a = ASSETS[c.req.param('name')];
    if (!a) return c.text('not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'max-age=3600' });
  });
  signInScreens(app, ctx);
  customerScreens(app, ctx);
  accountScreens(app, ctx);
  cashierScreens(app, ctx);
  tariffAndAdminScreens(app, ctx);
  tariffSimulatorScreens(app, ctx);
}
