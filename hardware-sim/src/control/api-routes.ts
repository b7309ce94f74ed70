import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { formatIssues } from '../fleet/fleet-file.js';
import { loadSetting } from '../fleet/build-meters.js';
import { faultSchema } from '../meter/faults.js';
import { type RelayTrigger, relayStateByName } from '../meter/relay-table.js';
import { meterView } from '../sim/meter-view.js';
import { SimError, type Simulator } from '../sim/simulator.js';
import { clockBody, faultBody, loadBody, relayBody } from './api-schemas.js';

/** Reads and validates a JSON body; throws SimError 400 naming the bad fields. */
async function body<T extends z.ZodType>(c: Context, schema: T, what: string): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new SimError(`${what}: body is not valid JSON`, 400);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new SimError(`${what}: ${formatIssues(parsed.error)}`, 400);
  return parsed.data;
}

/** The control API contract (see README "Hardware simulator (technicians)"). */
export function registerApiRoutes(app: Hono, sim: Simulator): void {
  app.get('/api/meters', (c) => {
    const now = sim.now();
    return c.json(sim.list().map((m) => meterView(m, now)));
  });
  app.get('/api/meters/:id', (c) => c.json(meterView(sim.get(c.req.param('id')), sim.now())));
  app.get('/api/meters/:id/profile', (c) => {
    const { model } = sim.get(c.req.param('id'));
    model.advanceTo(sim.now());
    return c.json(model.profileRows(...timeRange(c)));
  });
  app.get('/api/meters/:id/events', (c) => {
    const { model } = sim.get(c.req.param('id'));
    model.advanceTo(sim.now());
    return c.json(model.eventRows(...timeRange(c)));
  });

  app.post('/api/meters/:id/faults', async (c) => {
    const id = c.req.param('id');
    sim.get(id);
    const b = await body(c, faultBody, 'fault');
    const spec = faultSchema.safeParse({ kind: b.kind, ...(b.params && { params: b.params }) });
    if (!spec.success) throw new SimError(`fault: ${formatIssues(spec.error)}`, 400);
    return c.json(sim.injectFault(id, spec.data, b.durationS), 201);
  });
  app.delete('/api/meters/:id/faults', (c) =>
    c.json({ cleared: sim.clearFaults(c.req.param('id')) }),
  );

  app.post('/api/meters/:id/load', async (c) => {
    const id = c.req.param('id');
    sim.get(id);
    sim.setLoad(id, loadSetting(await body(c, loadBody, 'load')));
    return c.json(meterView(sim.get(id), sim.now()));
  });

  app.post('/api/meters/:id/relay', async (c) => {
    const id = c.req.param('id');
    sim.get(id);
    const b = await body(c, relayBody, 'relay');
    if ('state' in b) {
      return c.json(sim.forceRelay(id, relayStateByName(b.state)!));
    }
    const result = sim.operateRelay(id, b.trigger as RelayTrigger);
    if (!result.ok) throw new SimError(result.reason, 409);
    return c.json(result.relay);
  });

  app.get('/api/clock', (c) => c.json(clockView(sim)));
  app.post('/api/clock', async (c) => {
    sim.setClock(await body(c, clockBody, 'clock'));
    return c.json(clockView(sim));
  });
}

/** `?from=&to=` (simulated epoch ms, inclusive) → [fromMs, toMs]; refuses non-integers. */
function timeRange(c: Context): [number, number] {
  const bound = (name: string, fallback: number) => {
    const text = c.req.query(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text))
      throw new SimError(`${name}: expected epoch milliseconds, got "${text}"`, 400);
    return Number(text);
  };
  return [bound('from', -Infinity), bound('to', Infinity)];
}

function clockView(sim: Simulator) {
  const simTimeMs = sim.now();
  return { simTimeMs, simTime: new Date(simTimeMs).toISOString(), speed: sim.clock.speed() };
}
