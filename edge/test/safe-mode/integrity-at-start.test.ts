import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@gridbill/shared/clock';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/engine/index.js';
import { ingestReadings } from '../../src/engine/ingest.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { openDatabase } from '../../src/store/index.js';
import { baseConfig, flatRater, snapshot, T0 } from '../support/engine-fixture.js';

/**
 * A store that fails `integrity_check` at start: the gateway starts in safe mode (it keeps
 * reading, never disconnects) instead of refusing to run, and says so on its status API.
 */
const dir = mkdtempSync(join(tmpdir(), 'gw-integrity-'));
let gw: RunningGateway | undefined;

afterAll(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function damageStore(path: string): void {
  openDatabase(path, { newIncarnationId: () => 'inc', wallMs: T0 }).db.close();
  const db = new BetterSqlite3(path);
  db.exec('CREATE TABLE damaged (x INTEGER CHECK (x > 0)) STRICT');
  db.pragma('ignore_check_constraints = ON');
  db.exec('INSERT INTO damaged VALUES (-1)'); // a row the schema forbids: integrity_check fails
  db.close();
}

describe('startup integrity check failure', () => {
  it('starts in safe mode with the reason; readings still stored, no disconnect', async () => {
    const config = baseConfig(join(dir, 'data'), { http: { host: '127.0.0.1', port: 0 } });
    mkdirSync(config.dataDir, { recursive: true });
    damageStore(join(config.dataDir, 'gateway.db'));
    const clock = new ManualClock({ wallMs: T0 + 6 * 3_600_000, monoMs: 1_000 });
    let n = 0;
    gw = await startGateway({
      config,
      clock,
      logger: pino({ level: 'silent' }),
      newId: () => `id-${++n}`,
      random: (k) => new Uint8Array(k),
      clockTrusted: () => true,
      rater: flatRater(2_000n),
      schedules: false,
    });
    const e = gw.engine;
    expect(e.safe.causes()).toEqual([
      expect.objectContaining({
        cause: 'store-integrity',
        reason: expect.stringMatching(/CHECK constraint failed in damaged/),
      }),
    ]);
    const status = await (await fetch(`http://127.0.0.1:${gw.port}/api/status`)).json();
    expect(status).toMatchObject({
      safeMode: true,
      safeModeCauses: [{ cause: 'store-integrity' }],
    });
    const page = await (await fetch(`http://127.0.0.1:${gw.port}/`)).text();
    expect(page).toContain('SAFE MODE (no disconnections): store-integrity');
    ingestReadings(e, [snapshot('m1', T0, 0), snapshot('m1', T0 + 900_000, 700)]);
    expect(e.balanceOf('ACC-1001')).toBe(-400n); // readings rated and stored
    clock.advance(3_600_000);
    evaluateAll(e);
    await gw.runner.idle();
    expect(e.relays.get('m1')?.policy.phase).toBe('GRACE'); // held, not disconnected
    const alarms = e.outbox.read(0, 1_000).filter((r) => r.kind === 'alarm');
    expect(alarms.map((a) => JSON.parse(a.body).code)).toContain('safe-mode-entered');
    // the operator clears it (after checking the store)
    const off = await fetch(`http://127.0.0.1:${gw.port}/api/safe-mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ on: false, reason: 'store rebuilt from central snapshot' }),
    });
    expect(await off.json()).toMatchObject({ safeMode: false, causes: [] });
  });
});
