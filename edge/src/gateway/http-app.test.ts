import { afterEach, describe, expect, it } from 'vitest';
import {
  baseConfig,
  type EngineFixture,
  engineFixture,
  FakeRelay,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings, RelayJournalRunner } from '../engine/index.js';
import { Poller } from '../polling/poller.js';
import { createHttpApp } from './http-app.js';
import { createMetrics } from './metrics.js';

let fx: EngineFixture;
afterEach(() => fx?.close());

function app() {
  fx = engineFixture();
  const engine = fx.engine;
  const relay = new FakeRelay();
  const runner = new RelayJournalRunner(engine, relay);
  const metrics = createMetrics(engine, new Poller(engine, new Map()), new Map());
  return {
    http: createHttpApp({ engine, runner, metrics, incarnationId: 'inc-test' }),
    relay,
    runner,
  };
}

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('local HTTP API', () => {
  it('serves healthz, status JSON, the status page and Prometheus metrics', async () => {
    const { http } = app();
    ingestReadings(fx.engine, [snapshot('m1', T0, 0), snapshot('m1', T0 + 900_000, 100)]);
    expect(await (await http.request('/healthz')).json()).toEqual({ ok: true, safeMode: false });
    const status = await (await http.request('/api/status')).json();
    expect(status).toMatchObject({
      gatewayId: 'gw-001',
      incarnationId: 'inc-test',
      balances: [{ accountId: 'ACC-1001', balanceMinor: '800', mode: 'prepaid' }],
      meters: [{ id: 'm1', lastValueWh: 100, relayPhase: 'CONNECTED' }],
      outbox: { ackedSeq: 0 },
    });
    const page = await (await http.request('/')).text();
    expect(page).toContain('<h1>Gateway gw-001</h1>');
    const metrics = await (await http.request('/metrics')).text();
    expect(metrics).toMatch(/gridbill_edge_outbox_lag_events \d+/);
  });

  it('takes operator relay orders and rejects bad input with a clear message', async () => {
    const { http, relay, runner } = app();
    const bad = await http.request('/api/relay/m1', post({ action: 'toggle', reason: 'x' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/action/);
    expect(
      (await http.request('/api/relay/nope', post({ action: 'open', reason: 'maintenance' })))
        .status,
    ).toBe(404);
    const ok = await http.request('/api/relay/m1', post({ action: 'open', reason: 'meter swap' }));
    expect(ok.status).toBe(202);
    await runner.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(fx.engine.relays.get('m1')?.policy.phase).toBe('MANUAL_LOCK');
    const lock = post({ action: 'lock', reason: 'line work', priority: 9 });
    expect((await http.request('/api/relay/m1', lock)).status).toBe(202);
    const close = await http.request('/api/relay/m1', post({ action: 'close', reason: 'done' }));
    expect(close.status).toBe(409); // priority 5 below the lock's 9: refused, nothing sent
    expect(await close.json()).toMatchObject({
      outcome: 'refused',
      detail: expect.stringMatching(/priority 9 > 5/),
    });
    await runner.idle();
    expect(relay.sent).toEqual(['m1:open', 'm1:open']);
  });

  it('grants emergency credit once to a disconnected prepaid customer', async () => {
    fx = engineFixture({
      config: (dir) =>
        baseConfig(dir, { relayPolicy: { emergencyCreditMinor: 1_000, graceSeconds: 0 } }),
    });
    const engine = fx.engine;
    const relay = new FakeRelay();
    const runner = new RelayJournalRunner(engine, relay);
    const metrics = createMetrics(engine, new Poller(engine, new Map()), new Map());
    const http = createHttpApp({ engine, runner, metrics, incarnationId: 'i' });
    ingestReadings(engine, [snapshot('m1', T0, 0), snapshot('m1', T0 + 900_000, 700)]); // -400
    runner.kick();
    await runner.idle();
    expect(engine.relays.get('m1')?.policy.phase).toBe('DISCONNECTED');
    const first = await http.request('/api/emergency-credit/m1', { method: 'POST' });
    expect(first.status).toBe(200);
    await runner.idle();
    expect(relay.sent).toEqual(['m1:open', 'm1:close']);
    expect(engine.relays.get('m1')?.policy).toMatchObject({
      phase: 'CONNECTED',
      emergencyCreditActive: true,
    });
    expect((await http.request('/api/emergency-credit/m1', { method: 'POST' })).status).toBe(409);
  });

  it('rejects a malformed token without touching the balance, and toggles safe mode', async () => {
    const { http } = app();
    const res = await http.request('/api/tokens/redeem', post({ token: 'not-a-token!' }));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ ok: false, reason: 'malformed' });
    expect(fx.engine.balanceOf('ACC-1001')).toBe(1000n);
    const on = await http.request(
      '/api/safe-mode',
      post({ on: true, reason: 'restored from backup' }),
    );
    expect(await on.json()).toMatchObject({
      safeMode: true,
      reason: 'manual: operator: restored from backup',
      causes: [{ cause: 'manual', reason: 'operator: restored from backup' }],
    });
  });
});
