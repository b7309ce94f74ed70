/**
 * A fresh gateway with only its config (gateway id, meters, central URL and signing key) comes
 * up from central's snapshot: tariff versions (one ahead of its date), accounts, balances; it
 * continues the change feed from the snapshot's checkpoint without re-applying anything; an
 * account assigned later is learned from the feed, its balance seeded, and it is rated; a
 * restart keeps all of it without another snapshot. Real central process (CLI, SQLite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock, ManualClock } from '@gridbill/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start-gateway.js';
import { type CentralProcess, startCentral } from './central-process.js';
import { assignTariff, importKesTariff, pay, seedSite } from './seed-site.js';
import { startTestGateway, until } from './test-gateway.js';

const host = createSystemClock();

describe('a fresh gateway starts from central’s snapshot', () => {
  let central: CentralProcess;
  let dir: string;
  let sites: Awaited<ReturnType<typeof seedSite>>['sites'];
  let gw: RunningGateway | undefined;
  const clock = new ManualClock({ wallMs: host.wallMs(), monoMs: 1 });
  const start = () =>
    startTestGateway({ dir, centralUrl: central.url, sites, clock, requestClock: host });
  const db = () => gw!.engine.deps.db;
  const count = (sql: string) => db().prepare(sql).pluck().get() as number;
  const checkpoint = () =>
    db().prepare("SELECT value FROM meta WHERE key = 'sync_checkpoint'").pluck().get() as
      | string
      | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-fresh-'));
    central = await startCentral({}, ['--mqtt', 'off']);
    ({ sites } = await seedSite(central, (await import('./edge-node.js')).GATEWAY_KEY, 2));
    await importKesTariff(central, [
      ['t-kes-2026', '2026-01-01'],
      ['t-kes-2099', '2099-01-01'],
    ]);
    await assignTariff(central, sites[0]!.accountId);
    await pay(central, sites[0]!.number, 30_000);
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await central?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snapshot, then the feed from its checkpoint; accounts learned later are rated', async () => {
    const [a, b] = sites as [(typeof sites)[0], (typeof sites)[0]];
    gw = await start();
    const first = await until(checkpoint, 'the first snapshot');
    const { engine } = gw;
    // central's tariffs (the 2099 version ahead of its date), accounts, balances, keys
    expect(db().prepare('SELECT id FROM tariff_versions ORDER BY id').pluck().all()).toEqual([
      't-kes-2026',
      't-kes-2099',
    ]);
    expect(engine.deps.rater.versionFor('t-flat-kes', Date.UTC(2099, 5, 1))).toBe('t-kes-2099');
    expect(engine.deps.rater.versionFor('t-flat-kes', Date.UTC(2026, 5, 1))).toBe('t-kes-2026');
    expect(engine.accounts.get(a.accountId)).toMatchObject({
      mode: 'prepaid',
      tariffId: 't-flat-kes',
    });
    expect(engine.accounts.has(b.accountId)).toBe(false); // no tariff at central yet
    expect(engine.balanceOf(a.accountId)).toBe(30_000n);
    expect(count("SELECT count(*) FROM sync_keys WHERE purpose = 'token-verify'")).toBe(1);
    // nothing below the checkpoint was applied again from the feed
    expect(count('SELECT count(*) FROM sync_inbox')).toBe(0);
    expect(JSON.parse(first).cseq).toBeGreaterThan(0);

    // b: paid before it has a tariff (credit not for this gateway yet), then assigned
    await pay(central, b.number, 12_000);
    gw.sync!.sync.pullHint();
    await until(() => count('SELECT count(*) FROM sync_inbox') === 1, 'the credit change');
    expect(engine.balanceOf(b.accountId)).toBe(0n);
    await assignTariff(central, b.accountId);
    gw.sync!.sync.pullHint();
    await until(() => engine.accounts.has(b.accountId) && engine.balanceOf(b.accountId) > 0n, 'b');
    expect(engine.balanceOf(b.accountId)).toBe(12_000n);
    const pending = db().prepare("SELECT value FROM meta WHERE key = 'sync_seed_pending'");
    await until(() => pending.pluck().get() === '[]', 'the balance seed');

    // b is rated with central's tariff (0.538 KES/kWh: 2 kWh → 108 minor units, half-up)
    const startMs = Date.UTC(2026, 5, 1, 6, 0);
    const ctx = { meterId: b.meterId, tariffId: 't-flat-kes', intervalSeconds: 900 };
    const rater = engine.deps.rater;
    const state = rater.initialState(ctx, startMs);
    const input = { startMs, endMs: startMs + 900_000, energyWh: 2000, qualityBits: 0 };
    expect(rater.rate(ctx, state, input)).toMatchObject({
      versionId: 't-kes-2026',
      amountMinor: 108n,
    });

    // restart: accounts, tariffs and balances come back from the store, no new snapshot
    const inboxBefore = count('SELECT count(*) FROM sync_inbox');
    const cpBefore = checkpoint();
    await gw.stop();
    gw = await start();
    await until(() => gw!.sync!.sync.pullStats().pulls > 0, 'the first pull after restart');
    expect(gw.engine.accounts.get(b.accountId)?.tariffId).toBe('t-flat-kes');
    expect(gw.engine.balanceOf(b.accountId)).toBe(12_000n);
    expect(gw.engine.balanceOf(a.accountId)).toBe(30_000n);
    expect(count('SELECT count(*) FROM sync_inbox')).toBe(inboxBefore);
    expect(JSON.parse(checkpoint()!).cseq).toBeGreaterThanOrEqual(JSON.parse(cpBefore!).cseq);
  }, 120_000);
});
