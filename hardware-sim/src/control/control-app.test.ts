import { ManualClock } from '@gridbill/shared/clock';
import { describe, expect, it } from 'vitest';
import { buildMeters } from '../fleet/build-meters.js';
import { fleetSchema } from '../fleet/fleet-schema.js';
import { SimClock } from '../meter/sim-clock.js';
import type { MeterView } from '../sim/meter-view.js';
import { Simulator } from '../sim/simulator.js';
import { createControlApp } from './control-app.js';
import { createSimMetrics } from './metrics.js';

const START = Date.UTC(2026, 0, 5, 8);

function setup() {
  const fleet = fleetSchema.parse({
    seed: 1,
    meters: [
      { id: 'm1', protocol: 'modbus', transport: 'tcp', port: 1, unitId: 1, load: { kW: 2 } },
      {
        id: 'm2',
        protocol: 'modbus',
        transport: 'tcp',
        port: 1,
        unitId: 2,
        relay: { controlMode: 2 },
      },
    ],
  });
  const base = new ManualClock({ wallMs: 0 });
  const sim = new Simulator(buildMeters(fleet), new SimClock(base, { startMs: START, speed: 60 }));
  const app = createControlApp(sim, createSimMetrics(sim));
  const call = async (method: string, path: string, body?: unknown) => {
    const init = body === undefined ? { method } : { method, body: JSON.stringify(body) };
    const res = await app.request(path, init);
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      body: type.includes('json') ? await res.json() : await res.text(),
    };
  };
  return { base, sim, call };
}

describe('control API', () => {
  it('lists meters with registers in Wh, relay state and faults', async () => {
    const { base, call } = setup();
    base.advance(60_000); // one simulated hour at speed 60
    const list = await call('GET', '/api/meters');
    expect(list.status).toBe(200);
    const m1 = (list.body as MeterView[])[0]!;
    expect(m1).toMatchObject({ id: 'm1', protocol: 'modbus', address: { port: 1, unitId: 1 } });
    expect(m1.registers.importWh).toBe(2000);
    expect(m1.relay).toMatchObject({ state: 'connected', outputState: true });
    expect((await call('GET', '/api/meters/nope')).status).toBe(404);
  });

  it('injects faults with a duration and clears them', async () => {
    const { base, call } = setup();
    const posted = await call('POST', '/api/meters/m1/faults', {
      kind: 'slow-answer',
      params: { delayMs: 1500 },
      durationS: 120,
    });
    expect(posted).toMatchObject({
      status: 201,
      body: { kind: 'slow-answer', params: { delayMs: 1500 } },
    });
    expect(((await call('GET', '/api/meters/m1')).body as MeterView).faults).toHaveLength(1);
    base.advance(2001); // 120 simulated seconds
    expect(((await call('GET', '/api/meters/m1')).body as MeterView).faults).toHaveLength(0);
    await call('POST', '/api/meters/m1/faults', { kind: 'reverse-flow' });
    expect((await call('DELETE', '/api/meters/m1/faults')).body).toEqual({ cleared: 1 });
  });

  it('refuses bad bodies with the field that is wrong, changing nothing', async () => {
    const { call } = setup();
    const bad = await call('POST', '/api/meters/m1/faults', {
      kind: 'slow-answer',
      params: { delayMs: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: expect.stringMatching(/params\.delayMs/) });
    const unknown = await call('POST', '/api/meters/m1/faults', { kind: 'gremlins' });
    expect(unknown.body).toMatchObject({ error: expect.stringMatching(/kind/) });
    expect((await call('POST', '/api/clock', { jumpS: -5 })).status).toBe(400);
    expect((await call('POST', '/api/meters/m1/load', { kW: 'lots' })).status).toBe(400);
    const view = (await call('GET', '/api/meters/m1')).body as MeterView;
    expect(view.faults).toEqual([]);
    expect(view.load).toEqual({ constantW: 2000 });
  });

  it('switches load, relay (manual and class 70 trigger) and the clock', async () => {
    const { base, call } = setup();
    await call('POST', '/api/meters/m1/load', { kW: -3 });
    base.advance(60_000);
    expect(((await call('GET', '/api/meters/m1')).body as MeterView).registers.exportWh).toBe(3000);
    const refused = await call('POST', '/api/meters/m2/relay', { trigger: 'remote_reconnect' });
    expect(refused.status).toBe(409);
    await call('POST', '/api/meters/m2/relay', { trigger: 'remote_disconnect' });
    const ready = await call('POST', '/api/meters/m2/relay', { trigger: 'remote_reconnect' });
    expect(ready.body).toMatchObject({ state: 'ready_for_reconnection', outputState: false });
    const manual = await call('POST', '/api/meters/m2/relay', { state: 'connected' });
    expect(manual.body).toMatchObject({ state: 'connected', outputState: true });
    const clock = await call('POST', '/api/clock', { speed: 0, jumpS: 86_400 });
    expect(clock.body).toMatchObject({ speed: 0, simTimeMs: START + 3_600_000 + 86_400_000 });
  });

  it('serves /healthz, Prometheus metrics and the panel', async () => {
    const { call } = setup();
    expect((await call('GET', '/healthz')).body).toMatchObject({ status: 'ok', meters: 2 });
    await call('GET', '/api/meters');
    const metrics = (await call('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/gridbill_sim_meters 2/);
    expect(metrics).toMatch(/gridbill_sim_api_requests_total\{route="\/api\/meters"\} 1/);
    const page = (await call('GET', '/')).body as string;
    expect(page).toMatch(/<a href="\/meters\/m1">m1<\/a>/);
    const detail = (await call('GET', '/meters/m1')).body as string;
    expect(detail).toMatch(/Clear all faults/);
    const form = await call('POST', '/meters/m1/faults', undefined);
    expect(form.status).toBe(400);
  });

  it('panel buttons: fault injection and the customer reconnect button', async () => {
    const { sim } = setup();
    const app = createControlApp(sim, createSimMetrics(sim));
    const form = (path: string, fields: Record<string, string>) =>
      app.request(path, { method: 'POST', body: new URLSearchParams(fields) });
    const injected = await form('/meters/m1/faults', { kind: 'tamper', durationS: '60' });
    expect(injected.status).toBe(303);
    expect(
      sim
        .get('m1')
        .model.activeFaults(sim.now())
        .map((f) => f.kind),
    ).toEqual(['tamper']);
    sim.operateRelay('m2', 'remote_disconnect');
    sim.operateRelay('m2', 'remote_reconnect');
    const pressed = await form('/meters/m2/relay', { trigger: 'manual_reconnect' });
    expect(pressed.status).toBe(303);
    expect(sim.get('m2').model.relayView(sim.now()).state).toBe('connected');
    expect((await form('/meters/m2/relay', { trigger: 'manual_reconnect' })).status).toBe(409);
  });

  it('serves profile and events by simulated time range', async () => {
    const { base, call } = setup();
    base.advance(60_000); // one simulated hour: four captures
    const all = (await call('GET', '/api/meters/m1/profile')).body as { simMs: number }[];
    expect(all.map((r) => r.simMs - START)).toEqual([900_000, 1_800_000, 2_700_000, 3_600_000]);
    const some = await call(
      'GET',
      `/api/meters/m1/profile?from=${START + 1_800_000}&to=${START + 2_700_000}`,
    );
    expect((some.body as unknown[]).length).toBe(2);
    expect((await call('GET', '/api/meters/m1/events?from=yesterday')).status).toBe(400);
  });

  it('panel clock form: freeze and jump', async () => {
    const { sim } = setup();
    const app = createControlApp(sim, createSimMetrics(sim));
    const form = (fields: Record<string, string>) =>
      app.request('/clock', { method: 'POST', body: new URLSearchParams(fields) });
    expect((await form({ speed: '0' })).status).toBe(303);
    expect(sim.clock.speed()).toBe(0);
    expect((await form({ jumpS: '3600' })).status).toBe(303);
    expect(sim.now()).toBe(START + 3_600_000);
    expect((await form({ speed: 'fast' })).status).toBe(400);
  });
});
