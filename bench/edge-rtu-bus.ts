/**
 * Edge G4a/G4b: a Modbus RTU bus at 9,600 baud (emulated line, bench/edge-rtu-line.ts) with
 * 32 meters polled through the gateway's SerialBusQueue (one request at a time, t3.5 gap,
 * timeout) and ModbusLink.readEnergy (26 input registers: energy + meter clock). Computed line
 * capacity per transaction = wire(request) + turnaround + wire(answer) + 2 × t3.5. Raw limit
 * in the same run: the same client driven back to back without the queue. Goal: ≥ 80 % of the
 * computed capacity. Run: `npx tsx bench/edge-rtu-bus.ts` (env ROUNDS, default 4).
 */
import { performance } from 'node:perf_hooks';
import ModbusSerial from 'modbus-serial';
import { createSystemClock } from '../shared/src/clock/index.js';
import { GRIDBILL_PREPAID } from '../shared/src/modbus/index.js';
import { ModbusLink } from '../edge/src/polling/modbus-link.js';
import { interFrameGapMs, SerialBusQueue } from '../edge/src/polling/serial-bus-queue.js';
import { BAUD, EmulatedRtuLine, TURNAROUND_MS, wireMs } from './edge-rtu-line.js';

const METERS = 32;
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const REGISTERS = 26;
const gap = interFrameGapMs(BAUD);
const txnMs = wireMs(8) + TURNAROUND_MS + wireMs(5 + REGISTERS * 2) + 2 * gap;

async function clientOn(line: EmulatedRtuLine) {
  const client = new ModbusSerial.default(line);
  await new Promise<void>((resolve, reject) =>
    client.open((e: Error | null) => (e ? reject(e) : resolve())),
  );
  client.setTimeout(1_000);
  return client;
}

async function gateway(): Promise<number> {
  const line = new EmulatedRtuLine();
  const client = await clientOn(line);
  const clock = createSystemClock();
  const queue = new SerialBusQueue(clock, {
    interFrameGapMs: gap,
    timeoutMs: 1_000,
    backoff: { initialMs: 1_000, maxMs: 10_000 },
  });
  const links = Array.from(
    { length: METERS },
    (_, i) => new ModbusLink(client, i + 1, GRIDBILL_PREPAID, `m${i}`),
  );
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++)
    await Promise.all(links.map((l, i) => queue.run(`m${i}`, () => l.readEnergy())));
  return (METERS * ROUNDS) / ((performance.now() - t0) / 1000);
}

async function raw(): Promise<number> {
  const line = new EmulatedRtuLine();
  const client = await clientOn(line);
  const t0 = performance.now();
  for (let n = 0; n < METERS * ROUNDS; n++) {
    client.setID((n % METERS) + 1);
    await client.readInputRegisters(0, REGISTERS);
    await new Promise((r) => setTimeout(r, gap));
  }
  return (METERS * ROUNDS) / ((performance.now() - t0) / 1000);
}

const capacity = 1000 / txnMs;
const rawPerSec = await raw();
const gwPerSec = await gateway();
const pollSeconds = METERS / gwPerSec;
console.log(
  `edge RTU bus @${BAUD}: ${gwPerSec.toFixed(2)} txn/s ` +
    `(${METERS} meters × ${REGISTERS} registers, one poll of all meters ` +
    `${pollSeconds.toFixed(2)} s); computed capacity ${capacity.toFixed(2)} txn/s ` +
    `(${txnMs.toFixed(1)} ms per txn, turnaround ${TURNAROUND_MS} ms) → utilisation ` +
    `${(gwPerSec / capacity).toFixed(3)} (goal ≥ 0.80); raw back-to-back ` +
    `${rawPerSec.toFixed(2)} txn/s (ratio ${(gwPerSec / rawPerSec).toFixed(3)})`,
);
