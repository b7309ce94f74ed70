import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@gridbill/shared/clock';
import { contentId } from '@gridbill/shared/ids';
import { divRound } from '@gridbill/shared/money';
import pino from 'pino';
import { type GatewayConfig, gatewayConfigSchema } from '../../src/config/index.js';
import { Engine, type IntervalRater, type RelayDriver } from '../../src/engine/index.js';
import { openDatabase } from '../../src/store/index.js';

/** Unit-test rater: a flat price in minor units per kWh, rounded half-up per interval. */
export function flatRater(minorPerKwh: bigint, effectiveFromMs = 0): IntervalRater {
  return {
    versionFor: (tariffId, startMs) => (startMs >= effectiveFromMs ? `${tariffId}@v1` : undefined),
    initialState: () => ({ whTotal: 0 }),
    rate: (ctx, state, input) => {
      (state as { whTotal: number }).whTotal += input.energyWh;
      return {
        versionId: `${ctx.tariffId}@v1`,
        amountMinor: divRound(BigInt(input.energyWh) * minorPerKwh, 1000n, 'half-up'),
        priceSource: 'tariff',
      };
    },
  };
}

/** A relay that obeys, or stays stuck, and counts operations. */
export class FakeRelay implements RelayDriver {
  readonly outputs = new Map<string, 'open' | 'closed'>();
  readonly sent: string[] = [];
  stuck = false;
  async switchRelay(meterId: string, action: 'open' | 'close'): Promise<void> {
    this.sent.push(`${meterId}:${action}`);
    if (!this.stuck) this.outputs.set(meterId, action === 'open' ? 'open' : 'closed');
  }
  async readRelay(meterId: string): Promise<'open' | 'closed'> {
    return this.outputs.get(meterId) ?? 'closed';
  }
}

export function baseConfig(
  dataDir: string,
  overrides: Record<string, unknown> = {},
): GatewayConfig {
  return gatewayConfigSchema.parse({
    gatewayId: 'gw-001',
    siteTimeZone: 'Africa/Nairobi',
    currency: 'KES',
    dataDir,
    clockTrust: 'always',
    buses: [{ id: 'tcp', kind: 'tcp' }],
    accounts: [{ id: 'ACC-1001', mode: 'prepaid', tariffId: 'flat', openingBalanceMinor: 1000 }],
    meters: [
      {
        id: 'm1',
        protocol: 'modbus',
        bus: 'tcp',
        profile: 'gridbill-prepaid',
        host: '127.0.0.1',
        accountId: 'ACC-1001',
      },
    ],
    relayPolicy: {
      warnMinor: 500,
      criticalMinor: 100,
      disconnectMinor: 0,
      reconnectMinor: 200,
      graceSeconds: 600,
      protectedWindows: { nightStartMinute: 0, nightEndMinute: 0, weekends: false, holidays: [] },
      command: { maxAttempts: 3, initialBackoffMs: 1_000, maxBackoffMs: 10_000 },
    },
    ...overrides,
  });
}

export interface EngineFixture {
  engine: Engine;
  clock: ManualClock;
  dir: string;
  dbPath: string;
  reopen(): Engine;
  close(): void;
}

/** Monday 2026-03-02 09:00 Nairobi (06:00 UTC), aligned to 15 minutes. */
export const T0 = Date.UTC(2026, 2, 2, 6, 0);

export function engineFixture(
  opts: {
    config?: (dir: string) => GatewayConfig;
    rater?: IntervalRater;
    wallMs?: number;
    clockTrusted?: () => boolean;
  } = {},
): EngineFixture {
  const dir = mkdtempSync(join(tmpdir(), 'gw-engine-'));
  const dbPath = join(dir, 'gateway.db');
  const clock = new ManualClock({ wallMs: opts.wallMs ?? T0 + 6 * 3_600_000, monoMs: 1_000 });
  const config = (opts.config ?? baseConfig)(dir);
  let n = 0;
  const make = () => {
    const { db } = openDatabase(dbPath, {
      newIncarnationId: () => 'inc-test',
      wallMs: clock.wallMs(),
    });
    return new Engine({
      db,
      config,
      clock,
      clockTrusted: opts.clockTrusted ?? (() => true),
      contentId,
      newId: () => `id-${++n}`,
      rater: opts.rater ?? flatRater(2_000n),
      logger: pino({ level: 'silent' }),
    });
  };
  const fixture: EngineFixture = {
    engine: make(),
    clock,
    dir,
    dbPath,
    reopen() {
      fixture.engine.deps.db.close();
      fixture.engine = make();
      return fixture.engine;
    },
    close() {
      if (fixture.engine.deps.db.open) fixture.engine.deps.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export function snapshot(meterId: string, captureMs: number, valueWh: number, serial = 'S1') {
  return { meterId, register: 'importWh', captureMs, valueWh, serial, source: 'snapshot' as const };
}
