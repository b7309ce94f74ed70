/**
 * DLMS profile benchmark (not a test): one day of a 4-channel 15-minute load profile
 * (96 rows) read by range over HDLC through a half-duplex link throttled to 9,600 baud 8N1
 * (10 bits per byte), client (edge) ↔ simulator server (hardware-sim), reader LLS association.
 * The raw limit measured in the same run is the time the same link needs to carry the same
 * byte count with no protocol turn-arounds. Run: `npx tsx bench/dlms-profile.ts`.
 * Prints a Markdown section for bench/RESULTS.md.
 */
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createSystemClock } from '../shared/src/clock/index.js';
import { openDlmsClient } from '../edge/src/dlms/index.js';
import { createMemoryMeter, startDlmsServer } from '../hardware-sim/src/dlms/index.js';

const BAUD = Number(process.env.BAUD ?? 9600);
const BITS_PER_BYTE = 10;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 10, 27);
/** HDLC max information field (client and server offer) and server max APDU. */
const MAX_INFO_BYTES = Number(process.env.MAX_INFO ?? 512);
const MAX_PDU_BYTES = Number(process.env.MAX_PDU ?? 1024);

/** Half-duplex line: one shared medium, each chunk occupies it for n × 10 / baud seconds. */
function throttledProxy(targetPort: number) {
  let busyUntilMs = 0;
  let bytesCarried = 0;
  const sockets: Socket[] = [];
  const pace = (to: Socket, chunk: Buffer) => {
    const now = performance.now();
    const start = Math.max(now, busyUntilMs);
    busyUntilMs = start + (chunk.length * BITS_PER_BYTE * 1000) / BAUD;
    bytesCarried += chunk.length;
    setTimeout(() => to.write(chunk), busyUntilMs - now);
  };
  const server = createServer((client) => {
    const meter = netConnect({ host: '127.0.0.1', port: targetPort });
    sockets.push(client, meter);
    client.on('data', (c) => pace(meter, c));
    meter.on('data', (c) => pace(client, c));
    client.on('close', () => meter.destroy());
    meter.on('close', () => client.destroy());
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    bytes: () => bytesCarried,
    reset: () => {
      bytesCarried = 0;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Raw limit: push `byteCount` bytes one way through a fresh throttled link, measure. */
async function rawLink(byteCount: number): Promise<number> {
  const sinkSockets: Socket[] = [];
  const sink = createServer((s) => {
    sinkSockets.push(s);
    let got = 0;
    s.on('data', (c) => {
      got += c.length;
      if (got >= byteCount) s.write('k');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const proxy = throttledProxy((sink.address() as { port: number }).port);
  const port = await proxy.listen();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => {
      for (let at = 0; at < byteCount; at += 128)
        s.write(Buffer.alloc(Math.min(128, byteCount - at)));
    });
    s.on('data', () => {
      s.destroy();
      resolve();
    });
  });
  const ms = performance.now() - t0;
  await proxy.close();
  for (const c of sinkSockets) c.destroy();
  await new Promise<void>((r) => sink.close(() => r()));
  return ms;
}

async function main(): Promise<void> {
  const meter = createMemoryMeter({
    serial: 'BENCH01',
    clockMs: () => START_MS + DAY_MS + 3_600_000,
    profileStartMs: START_MS,
    channelCount: 4,
  });
  const server = await startDlmsServer({
    backend: () => meter,
    transport: 'hdlc',
    port: 0,
    maxInfoBytes: MAX_INFO_BYTES,
    maxPduBytes: MAX_PDU_BYTES,
  });
  const proxy = throttledProxy(server.port);
  const port = await proxy.listen();
  const clock = createSystemClock();
  const t0 = performance.now();
  const client = await openDlmsClient({
    transport: 'hdlc',
    host: '127.0.0.1',
    port,
    clientAddress: 17,
    auth: 'low',
    password: 'Gurux',
    clock,
    random: () => new Uint8Array(16),
    timing: { responseTimeoutMs: 10_000 },
    maxInfoBytes: MAX_INFO_BYTES,
  });
  const profile = await client.readProfile('1.0.99.1.0.255', START_MS, START_MS + DAY_MS - 900_000);
  await client.close();
  const elapsedMs = performance.now() - t0;
  const bytes = proxy.bytes();
  await proxy.close();
  await server.close();
  if (profile.rows.length !== 96 || profile.columns.length !== 5) {
    throw new Error(
      `expected 96 rows × 5 columns, got ${profile.rows.length} × ${profile.columns.length}`,
    );
  }
  const rawMs = await rawLink(bytes);
  const wireMs = (bytes * BITS_PER_BYTE * 1000) / BAUD;
  const date = new Date(START_MS + DAY_MS).toISOString().slice(0, 10);
  const lines = [
    `## DLMS profile read over HDLC at ${BAUD} baud (bench/dlms-profile.ts)`,
    '',
    `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    `- run date: ${new Date(performance.timeOrigin).toISOString().slice(0, 10)} (data day ${date})`,
    '- one day, 4 channels, 15-minute rows (96 × 5 columns), range read with GET block transfer,',
    `  HDLC max info ${MAX_INFO_BYTES} bytes, window 1, server max APDU ${MAX_PDU_BYTES} bytes,`,
    '  LLS association (SNRM, AARQ, capture_objects, buffer by range, RLRQ, DISC)',
    `- bytes on the wire (both directions): ${bytes}`,
    `- profile read: ${(elapsedMs / 1000).toFixed(2)} s ` +
      `(limit 5 s: ${elapsedMs <= 5000 ? 'met' : 'NOT met'})`,
    `- raw link, same bytes, no turn-arounds (measured): ${(rawMs / 1000).toFixed(2)} s` +
      ` (computed ${(wireMs / 1000).toFixed(2)} s)`,
    `- ratio read / raw link: ${(elapsedMs / rawMs).toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
