/**
 * Edge G6a: from the reading that crosses the disconnect threshold being stored (ingest
 * start) to the FC05 relay command on the wire, on a Modbus RTU 9,600-baud bus (emulated line,
 * bench/edge-rtu-line.ts) kept busy with maximum-length reads (125 registers). Path: one-cycle
 * ingest (store, VEE, rating, balance, relay policy, command persisted with WAL + FULL) →
 * journal runner → bus queue (relay first, after the read in flight) → ModbusLink coil write.
 * Raw limit, computed: one 125-register transaction in flight + t3.5 + the FC05 request = the
 * earliest the command can be on the wire. Goal: p99 ≤ 400 ms.
 * Run: `npx tsx bench/edge-disconnect-latency.ts` (env TRIALS, default 60).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ModbusSerial from 'modbus-serial';
import pino from 'pino';
import { createSystemClock } from '../shared/src/clock/index.js';
import { contentId } from '../shared/src/ids/index.js';
import { GRIDBILL_PREPAID } from '../shared/src/modbus/index.js';
import { compileTariff, parseTariffVersion } from '../shared/src/tariff/index.js';
import { gatewayConfigSchema } from '../edge/src/config/index.js';
import { Engine, ingestReadings, RelayJournalRunner } from '../edge/src/engine/index.js';
import { createTariffRater } from '../edge/src/engine/tariff-rater.js';
import { ModbusLink } from '../edge/src/polling/modbus-link.js';
import { Poller, type PollTarget } from '../edge/src/polling/poller.js';
import { interFrameGapMs, SerialBusQueue } from '../edge/src/polling/serial-bus-queue.js';
import { openDatabase } from '../edge/src/store/index.js';
import { BAUD, EmulatedRtuLine, T35_MS, TURNAROUND_MS, wireMs } from './edge-rtu-line.js';

const TRIALS = Number(process.env.TRIALS ?? 60);
const Q = 900_000;
const clock = createSystemClock();
const boundary = Math.floor(clock.wallMs() / Q) * Q;
const dir = mkdtempSync(join(tmpdir(), 'edge-latency-'));

const config = gatewayConfigSchema.parse({
  gatewayId: 'gw-bench',
  siteTimeZone: 'UTC',
  currency: 'KES',
  dataDir: dir,
  clockTrust: 'always',
  buses: [{ id: 'rs485', kind: 'rtu', device: '/dev/null', baudRate: BAUD }],
  accounts: Array.from({ length: TRIALS }, (_, i) => ({
    id: `A${i}`,
    mode: 'prepaid',
    tariffId: 'flat',
    openingBalanceMinor: 100,
  })),
  meters: Array.from({ length: TRIALS }, (_, i) => ({
    id: `m${i}`,
    protocol: 'modbus',
    bus: 'rs485',
    profile: 'gridbill-prepaid',
    address: (i % 240) + 1,
    accountId: `A${i}`,
  })),
  relayPolicy: {
    graceSeconds: 0,
    warnMinor: 50,
    criticalMinor: 10,
    protectedWindows: { nightStartMinute: 0, nightEndMinute: 0, weekends: false, holidays: [] },
    massDisconnect: { maxDisconnects: 10_000, windowSeconds: 60 },
  },
});
const flat = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'flat',
  versionId: 'flat-1',
  effectiveFrom: '2020-01-01',
  timeZone: 'UTC',
  currency: 'KES',
  rounding: 'half-up',
  periods: ['all'],
  components: [{ kind: 'energy', id: 'e', description: 'Energy', rates: { all: '20' } }],
});

const { db } = openDatabase(join(dir, 'gateway.db'), { newIncarnationId: () => 'inc', wallMs: 0 });
let ids = 0;
const engine = new Engine({
  db,
  config,
  clock,
  clockTrusted: () => true,
  contentId,
  newId: () => `c${++ids}`,
  rater: createTariffRater(new Map([['flat', compileTariff([flat])]])),
  logger: pino({ level: 'silent' }),
});
const line = new EmulatedRtuLine();
const client = new ModbusSerial.default(line);
await new Promise<void>((resolve) => client.open(() => resolve()));
client.setTimeout(2_000);
const queue = new SerialBusQueue(clock, {
  interFrameGapMs: interFrameGapMs(BAUD),
  timeoutMs: 2_000,
  backoff: { initialMs: 1_000, maxMs: 10_000 },
});
const targets = new Map<string, PollTarget>(
  config.meters.map((m) => [
    m.id,
    {
      meter: m,
      link: new ModbusLink(client, m.address, GRIDBILL_PREPAID, m.id),
      run: <T>(task: () => Promise<T>, priority: 'high' | 'normal') =>
        queue.run(m.id, task, priority),
    },
  ]),
);
let runner: RelayJournalRunner | undefined;
const poller = new Poller(engine, targets, () => runner?.kick());
runner = new RelayJournalRunner(engine, poller.relayDriver());

const reading = (i: number, k: number, valueWh: number) => ({
  meterId: `m${i}`,
  register: 'importWh',
  captureMs: boundary - (3 - k) * Q,
  valueWh,
  serial: 'S',
  source: 'snapshot' as const,
});
ingestReadings(
  engine,
  config.meters.map((_, i) => reading(i, 1, 0)),
);

// keep the bus busy with maximum-length reads, as a backlog read would
let background = true;
const busy = (async () => {
  while (background) await queue.run('bg', () => client.readInputRegisters(0, 125));
})();

const latencies: number[] = [];
for (let i = 0; i < TRIALS; i++) {
  await new Promise((r) => setTimeout(r, 40 + ((i * 37) % 170))); // vary the read in flight
  const unit = (i % 240) + 1;
  const onWire = new Promise<number>((resolve) => {
    line.onWrite = (frame) => {
      if (frame[0] === unit && frame[1] === 5) resolve(performance.now());
    };
  });
  const t0 = performance.now();
  const summary = ingestReadings(engine, [reading(i, 2, 1_000)]);
  runner.kick();
  if (summary.charges !== 1) throw new Error(`trial ${i}: expected one charge`);
  latencies.push((await onWire) - t0);
}
background = false;
await busy;
await runner.idle();
latencies.sort((a, b) => a - b);
const p = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
const bound = wireMs(8) + T35_MS + TURNAROUND_MS + wireMs(5 + 250) + T35_MS + wireMs(8);
const done = db.prepare("SELECT count(*) FROM relay_commands WHERE status = 'done'").pluck().get();
console.log(
  `edge disconnect latency (RTU ${BAUD}, bus busy with 125-register reads): ` +
    `p50 ${p(0.5).toFixed(0)} ms, p99 ${p(0.99).toFixed(0)} ms, max ${p(1).toFixed(0)} ms ` +
    `over ${TRIALS} trials (goal p99 ≤ 400); computed worst case on the wire ` +
    `${bound.toFixed(0)} ms → p99 ratio ${(p(0.99) / bound).toFixed(2)}; commands done ${done}`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
