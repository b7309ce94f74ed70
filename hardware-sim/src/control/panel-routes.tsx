/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { faultSchema } from '../meter/faults.js';
import { relayStateByName } from '../meter/relay-table.js';
import { meterView } from '../sim/meter-view.js';
import { SimError, type Simulator } from '../sim/simulator.js';
import { formatIssues } from '../fleet/fleet-file.js';
import { clockBody } from './api-schemas.js';
import { FleetPage, MeterPage } from './panel-pages.js';

/** Server-rendered technician panel: fleet table, meter detail, fault and relay buttons. */
export function registerPanelRoutes(app: Hono, sim: Simulator): void {
  app.get('/', (c) => {
    const now = sim.now();
    const meters = sim.list().map((m) => meterView(m, now));
    const simTime = new Date(now).toISOString();
    return c.html(<FleetPage meters={meters} simTime={simTime} speed={sim.clock.speed()} />);
  });
  app.post('/clock', async (c) => {
    const form = await c.req.parseBody();
    const number = (name: string) => (form[name] === undefined ? undefined : Number(form[name]));
    const change = clockBody.safeParse({ speed: number('speed'), jumpS: number('jumpS') });
    if (!change.success) throw new SimError(`clock: ${formatIssues(change.error)}`, 400);
    sim.setClock(change.data);
    return c.redirect('/', 303);
  });
  app.get('/meters/:id', (c) => {
    const meter = sim.get(c.req.param('id'));
    const m = meterView(meter, sim.now());
    return c.html(<MeterPage m={m} rows={meter.model.profileRows()} />);
  });
  app.post('/meters/:id/faults', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const spec = faultSchema.safeParse({ kind: String(form.kind ?? '') });
    if (!spec.success) throw new SimError(`fault: ${formatIssues(spec.error)}`, 400);
    const durationS = Number(form.durationS);
    sim.injectFault(id, spec.data, durationS > 0 ? durationS : undefined);
    return c.redirect(`/meters/${encodeURIComponent(id)}`, 303);
  });
  app.post('/meters/:id/faults/clear', (c) => {
    const id = c.req.param('id');
    sim.clearFaults(id);
    return c.redirect(`/meters/${encodeURIComponent(id)}`, 303);
  });
  app.post('/meters/:id/relay', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (form.trigger === 'manual_reconnect') {
      const result = sim.operateRelay(id, 'manual_reconnect');
      if (!result.ok) throw new SimError(result.reason, 409);
    } else {
      const state = relayStateByName(String(form.state));
      if (state === undefined) throw new SimError(`relay: unknown state "${form.state}"`, 400);
      sim.forceRelay(id, state);
    }
    return c.redirect(`/meters/${encodeURIComponent(id)}`, 303);
  });
}
