import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { runReconcileOnce, startReconcileJob } from '../../../src/sync/rerate/reconcile-job.js';
import { type Harness, seedAccount } from '../../helpers/api-harness.js';
import { BACKENDS, backendTitle } from '../../helpers/backends.js';
import { batchText, INC_A, postSigned, startSyncHarness } from '../sync-harness.js';
import {
  chargeEvents,
  DAY_27,
  daySum,
  edgeRate,
  intervalEvents,
  ladderVersion,
  twoDays,
} from './rerate-fixture.js';

const res1 = ladderVersion('res-1', '2026-11-01', '21.5');
const res2 = ladderVersion('res-2', '2026-11-27', '23.7');
const QUERY = 'from=2026-11-26&to=2026-11-27';

/** The real CLI entry in this process, output captured. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
  try {
    const code = await main(['node', 'gridbill-central', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

describe.each(BACKENDS)('reconciliation job, API, screen and metrics on $name', (b) => {
  let h: Harness;
  let expected: bigint;
  const page = async (path: string) => {
    const res = await fetch(h.server.url + path, {
      headers: { cookie: `gb_session=${h.tokens.auditor}` },
    });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    if (b.skip) return;
    h = await startSyncHarness(b);
    const a = await seedAccount(h, 'S-100', 'prepaid');
    for (const document of [res1, res2]) {
      expect((await h.call('admin', 'POST', '/api/tariffs/import', { document })).status).toBe(201);
    }
    const assign = await h.call('clerk', 'POST', `/api/accounts/${a.accountId}/tariff`, {
      tariffId: 'res',
    });
    expect(assign.status).toBe(201);
    const edge = await edgeRate([res1], a.meterId, twoDays(3));
    const central = await edgeRate([res1, res2], a.meterId, twoDays(3));
    expected = daySum(central, DAY_27) - daySum(edge, DAY_27);
    const events = [
      ...intervalEvents(1, a.meterId, edge),
      ...chargeEvents(193, a.accountId, a.meterId, edge),
    ];
    expect((await postSigned(h, batchText(INC_A, events))).body.ackedThroughSeq).toBe(384);
  });
  afterAll(async () => {
    if (!b.skip) await h.close();
  });

  it.skipIf(b.skip)(`${backendTitle(b)}: the serve job reconciles touched days once`, async () => {
    // bounded: 50 charge entries per run; the two imported versions cover the days too
    const first = await runReconcileOnce(h.ctx, 50);
    expect(first).toMatchObject({ chargeEntries: 50, tariffVersions: 2, adjustmentsPosted: 1 });
    expect(first.adjustedMinor).toBe(expected);
    const rest = await runReconcileOnce(h.ctx, 5000);
    expect(rest).toMatchObject({ chargeEntries: 142, tariffVersions: 0, adjustmentsPosted: 0 });
    const idle = await runReconcileOnce(h.ctx, 5000);
    expect(idle).toMatchObject({ ranges: 0, chargeEntries: 0, tariffVersions: 0 });
  });

  it.skipIf(b.skip)('the job runs on the injected clock and logs one line per run', async () => {
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = {
      info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
      error: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
    };
    const ctx = { ...h.ctx, logger: logger as unknown as typeof h.ctx.logger };
    const job = startReconcileJob(ctx, { intervalSeconds: 30 });
    h.clock.advance(29_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(lines).toEqual([]);
    h.clock.advance(1_000);
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await job.stop();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'reconcile run',
      obj: { ranges: 0, adjustedMinor: '0' },
    });
  });

  it.skipIf(b.skip)('GET /api/gateways/{gw}/reconciliation lists the stored days', async () => {
    const res = await h.call('auditor', 'GET', `/api/gateways/gw-1/reconciliation?${QUERY}`);
    expect(res.status).toBe(200);
    expect(res.body.days.map((d: { day: string }) => d.day)).toEqual(['2026-11-26', '2026-11-27']);
    const day27 = res.body.days[1];
    expect(day27.adjustmentsMinor).toBe(expected.toString());
    expect(BigInt(day27.centralTotalMinor) - BigInt(day27.edgeTotalMinor)).toBe(expected);
    expect(day27.reasons).toEqual({
      'fallback-price': 0,
      'late-tariff-version': 96,
      clock: 0,
      other: 0,
    });
  });

  it.skipIf(b.skip)('refuses bad queries and unknown gateways, naming the field', async () => {
    const query = (q: string) => h.call('auditor', 'GET', `/api/gateways/gw-1/reconciliation?${q}`);
    const cases = [
      ['from=2026-02-30&to=2026-03-01', '/query/from'],
      ['from=2026-11-26', '/query/to'],
      ['from=2026-11-27&to=2026-11-01', undefined],
    ] as const;
    for (const [q, field] of cases) {
      const res = await query(q);
      expect(res.status, q).toBe(400);
      if (field) expect(res.body.field, q).toBe(field);
    }
    const unknown = await h.call('auditor', 'GET', `/api/gateways/gw-9/reconciliation?${QUERY}`);
    expect(unknown.status).toBe(404);
    const anon = await h.call(null, 'GET', `/api/gateways/gw-1/reconciliation?${QUERY}`);
    expect(anon.status).toBe(401);
    const doc = await h.call(null, 'GET', '/openapi.json');
    const op = doc.body.paths['/api/gateways/{gw}/reconciliation'].get;
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:gw',
      'query:from',
      'query:to',
    ]);
  });

  it.skipIf(b.skip)('the staff screen lists the days and the lag screen links to it', async () => {
    const lag = await page('/ui/sync');
    expect(lag.text).toContain('href="/ui/sync/gw-1/reconciliation"');
    const screen = await page(`/ui/sync/gw-1/reconciliation?${QUERY}`);
    expect(screen.status).toBe(200);
    expect(screen.text).toContain('<td>2026-11-27</td>');
    expect(screen.text).toMatch(/KES \d+\.\d\d/);
  });

  it.skipIf(b.skip)('metrics count adjustment entries and differing intervals', async () => {
    const text = await (await fetch(`${h.server.url}/sync/v1/metrics`)).text();
    expect(text).toContain('gridbill_reconcile_adjustment_entries{gateway="gw-1"} 1');
    expect(text).toContain('gridbill_reconcile_differing_intervals{gateway="gw-1"} 96');
  });

  it.skipIf(b.skip || b.name !== 'sqlite')('CLI sync reconcile prints the report', async () => {
    const data = ['--data-dir', h.store.opened.dataDir ?? ''];
    const range = ['--gateway', 'gw-1', '--from', '2026-11-26', '--to', '2026-11-27'];
    const json = await cli(['sync', 'reconcile', ...range, '--json', ...data]);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.out);
    expect(out.run).toMatchObject({ accountDays: 2, adjustmentsPosted: 0 });
    expect(out.days[1].adjustmentsMinor).toBe(expected.toString());
    const text = await cli(['sync', 'reconcile', ...range, ...data]);
    expect(text.out).toContain('late-tariff-version 96');
    const bad = await cli([
      'sync',
      'reconcile',
      ...range.slice(0, 2),
      '--from',
      'x',
      '--to',
      'y',
      ...data,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('from');
  });
});
