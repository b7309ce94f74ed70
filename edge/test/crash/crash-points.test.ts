import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { intervalBlockBodySchema } from '@gridbill/shared/sync';
import { chargeId } from '@gridbill/shared/tariff';
import { signToken, tokenKeyPairFromSeed, tokenPublicKeyRaw } from '@gridbill/shared/token';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningSim, startSim } from '../support/sim.js';
import { registerStoreFunctions } from '../../src/store/index.js';
import { restoreBalances } from '../../src/store/balance-replay.js';

/**
 * Real gateway processes (bin/gridbill-edge.js run) killed with SIGKILL at named points
 * (GRIDBILL_CRASH_AT), then restarted; the store must show no lost or doubled effect.
 * Time runs 900× (15 simulated minutes per real second) in both the gateway and simulator.
 */
const SPEED = 900;
const START = '2026-03-02T06:00:00.000Z';
const BIN = join(import.meta.dirname, '../../bin/gridbill-edge.js');
const key = tokenKeyPairFromSeed('k1', new Uint8Array(32).fill(9));
const OPENING = 600;

let sim: RunningSim;
let port: number;
const dirs: string[] = [];

beforeAll(async () => {
  port = await freePort();
  // the simulator runs at the gateway's speed from the same start time
  const meters = [1, 2, 3, 4].map((unitId) => ({ id: `m${unitId}`, port, unitId, kW: 4 }));
  sim = await startSim(createSystemClock(), meters, 'UTC', {
    speed: SPEED,
    startTime: START,
  });
});

afterAll(async () => {
  await sim?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh store per test, polling its own simulated meter (unit id). */
async function writeConfig(unit: number): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'gw-crash-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'flat.json'), JSON.stringify(flatTariff));
  const config = {
    gatewayId: 'gw-001',
    siteTimeZone: 'UTC',
    currency: 'KES',
    dataDir: join(dir, 'data'),
    clockTrust: 'always',
    buses: [{ id: 'tcp', kind: 'tcp', timeoutMs: 1000 }],
    accounts: [{ id: 'A1', mode: 'prepaid', tariffId: 'flat', openingBalanceMinor: OPENING }],
    meters: [
      {
        id: 'm1',
        protocol: 'modbus',
        bus: 'tcp',
        profile: 'gridbill-prepaid',
        host: '127.0.0.1',
        port,
        address: unit,
        accountId: 'A1',
      },
    ],
    tariffFiles: [join(dir, 'flat.json')],
    relayPolicy: {
      warnMinor: 300,
      criticalMinor: 100,
      disconnectMinor: 0,
      reconnectMinor: 200,
      graceSeconds: 0,
      protectedWindows: { nightStartMinute: 0, nightEndMinute: 0, weekends: false, holidays: [] },
    },
    tokens: {
      publicKeys: [
        { kid: 'k1', publicKey: Buffer.from(tokenPublicKeyRaw(key.publicKey)).toString('hex') },
      ],
    },
    http: { host: '127.0.0.1', port: await freePort() },
  };
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  return { dir, file };
}

const flatTariff = {
  format: 'gridbill-tariff/v1',
  tariffId: 'flat',
  versionId: 'flat-1',
  effectiveFrom: '2026-01-01',
  timeZone: 'UTC',
  currency: 'KES',
  rounding: 'half-up',
  periods: ['all'],
  components: [{ kind: 'energy', id: 'e', description: 'Energy', rates: { all: '5' } }],
};

interface Child {
  proc: ChildProcess;
  port: Promise<number>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startGatewayProcess(file: string, crashAt?: string): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, GRIDBILL_CRASH_AT: crashAt ?? '' };
  const args = [
    BIN,
    'run',
    '--config',
    file,
    '--poll-every',
    '900',
    '--time-speed',
    String(SPEED),
    '--start-time',
    START,
  ];
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = new Promise<number>((resolve) => {
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, port, exit };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** A read-only connection to the gateway's store, with the functions its views use. */
function storeReader(dir: string) {
  const db = new BetterSqlite3(join(dir, 'data', 'gateway.db'), { readonly: true });
  registerStoreFunctions(db);
  return db;
}

/** Restart without a crash point, let it run, stop it cleanly. */
/**
 * Restart without a crash point and let it run until the relay journal is empty and at least
 * `cycles` more charges were posted (bounded), then stop it cleanly.
 */
async function restartAndSettle(file: string, dir: string, cycles: number): Promise<void> {
  const child = startGatewayProcess(file);
  await within(child.port, 30_000, 'restart');
  const db = storeReader(dir);
  const q = (sql: string) => db.prepare(sql).pluck().get() as number;
  const open = "SELECT count(*) FROM relay_commands WHERE status NOT IN ('done', 'failed')";
  const start = q('SELECT count(*) FROM charges');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    if (q('SELECT count(*) FROM charges') >= start + cycles && q(open) === 0) break;
  }
  db.close();
  child.proc.kill('SIGTERM');
  await within(child.exit, 10_000, 'clean stop');
}

interface BlockBody {
  meterIds: string[];
  tariffVersionIds: string[];
  intervals: { meter: number[]; startMs: number[]; tariffVersion: number[]; account: number[] };
  balances: { amountMinor: string[] };
}

/** Charge ids of a block's rated rows: `chargeId(meter, start, version)`, as central does. */
function chargeIdsOf(b: BlockBody): string[] {
  const c = b.intervals;
  return c.account.flatMap((a, i) =>
    a < 0
      ? []
      : [
          chargeId(
            b.meterIds[c.meter[i] ?? -1] ?? '',
            c.startMs[i] ?? 0,
            b.tariffVersionIds[c.tariffVersion[i] ?? -1] ?? '',
          ),
        ],
  );
}

function checkStore(dir: string) {
  const db = storeReader(dir);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const q = (sql: string) => db.prepare(sql).pluck().get() as number;
    // every interval rated exactly once
    expect(
      q(
        'SELECT count(*) FROM intervals i WHERE (SELECT count(*) FROM charges c ' +
          'WHERE c.meter_id = i.meter_id AND c.interval_start_ms = i.start_ms) != 1',
      ),
    ).toBe(0);
    // the balance equals opening − charges + tokens (nothing lost, nothing doubled)
    const charges = q('SELECT coalesce(sum(CAST(amount_minor AS INTEGER)), 0) FROM charges');
    const tokens = q('SELECT coalesce(sum(CAST(amount_minor AS INTEGER)), 0) FROM redeemed_tokens');
    expect(restoreBalances(db).get('A1')?.balanceMinor).toBe(BigInt(OPENING - charges + tokens));
    // gapless outbox; every charge in exactly one block row (ids derived as on central),
    // the blocks' balance movements sum to the charges; one balance-change per token
    expect(q('SELECT count(*) FROM outbox')).toBe(q('SELECT max(seq) FROM outbox'));
    const blocks = db
      .prepare("SELECT body FROM outbox WHERE kind = 'interval-block'")
      .pluck()
      .all()
      .map((b) => intervalBlockBodySchema.parse(JSON.parse(b as string)) as BlockBody);
    const blockCharges = blocks.flatMap(chargeIdsOf);
    const chargeIds = db.prepare('SELECT id FROM charges').pluck().all() as string[];
    expect(blockCharges.length).toBe(chargeIds.length);
    expect(new Set(blockCharges)).toEqual(new Set(chargeIds));
    const moved = blocks.reduce(
      (sum, b) => sum + b.balances.amountMinor.reduce((s, a) => s + BigInt(a), 0n),
      0n,
    );
    expect(moved).toBe(-BigInt(charges));
    expect(q("SELECT count(*) FROM outbox WHERE kind = 'balance-change'")).toBe(
      q('SELECT count(*) FROM redeemed_tokens'),
    );
    // the relay journal completed
    expect(q("SELECT count(*) FROM relay_commands WHERE status NOT IN ('done', 'failed')")).toBe(0);
    return {
      charges: q('SELECT count(*) FROM charges'),
      tokens: q('SELECT count(*) FROM redeemed_tokens'),
      commands: q("SELECT count(*) FROM relay_commands WHERE status = 'done'"),
    };
  } finally {
    db.close();
  }
}

describe('SIGKILL at named points, then restart', () => {
  const points = ['after_reading_insert:2', 'after_rating_before_commit:3', 'after_relay_sent'];
  points.forEach((point, i) => {
    it(`${point}: nothing lost, nothing rated twice, journal completes`, {
      timeout: 60_000,
    }, async () => {
      const { dir, file } = await writeConfig(i + 1);
      const child = startGatewayProcess(file, point);
      const exit = await within(child.exit, 40_000, `crash at ${point}`);
      expect(exit.signal).toBe('SIGKILL');
      await restartAndSettle(file, dir, 2);
      const counts = checkStore(dir);
      expect(counts.charges).toBeGreaterThan(0);
      if (point === 'after_relay_sent') {
        expect(counts.commands).toBeGreaterThan(0);
        expect(sim.sim.get('m3').model.relayView(sim.sim.now()).outputState).toBe(false);
      }
    });
  });

  it('after_token_redeem: the token is credited once, even when the answer was lost', {
    timeout: 60_000,
  }, async () => {
    const { dir, file } = await writeConfig(4);
    const child = startGatewayProcess(file, 'after_token_redeem');
    await within(child.port, 20_000, 'gateway start');
    const token = signToken(
      {
        tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3b',
        keyId: 'k1',
        gatewayId: 'gw-001',
        accountId: 'A1',
        amountMinor: 5_000n,
        currency: 'KES',
        issuedAtMs: Date.parse(START),
        expiresAtMs: Date.parse(START) + 365 * 86_400_000,
      },
      key.privateKey,
    );
    const cli = spawn(process.execPath, [BIN, 'token', 'redeem', token, '--config', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const cliExit = await within(
      new Promise<number | null>((r) => cli.once('exit', r)),
      30_000,
      'token cli',
    );
    expect((await within(child.exit, 10_000, 'crash')).signal).toBe('SIGKILL');
    // the daemon died after committing; the CLI retried against the store and was refused
    expect(out).toContain('already-redeemed');
    expect(cliExit).toBe(3);
    await restartAndSettle(file, dir, 1);
    expect(checkStore(dir).tokens).toBe(1);
  });
});
