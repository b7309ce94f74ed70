/**
 * Hardware simulator scale benchmark: one `gridbill-sim run` process with 10 000 meters
 * (5 000 Modbus TCP meters as unit ids over 21 ports + 5 000 DLMS wrapper meters on one port),
 * read by a pipelining Modbus TCP client over several connections. The raw limit is the same
 * client against a minimal Modbus TCP responder (fixed answer, no model) in the same run.
 * Prints a Markdown section for bench/RESULTS.md.
 *
 * Run: npx tsx bench/sim-scale.ts [meters=10000] [seconds=10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { createSystemClock } from '@gridbill/shared/clock';

const clock = createSystemClock();
const METERS = Number(process.argv[2] ?? 10_000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = 8;
const WINDOW = 16;
const UNITS_PER_PORT = 247;

/** Raw DLMS limit: answers every wrapper frame with a fixed GET response (no model, no ACSE). */
const RAW_DLMS_SERVER = `
const net = require('node:net');
const reply = Buffer.from('0001000100110009C401C100060000000A', 'hex');
const srv = net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('error', () => s.destroy());
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 8 && buf.length >= 8 + buf.readUInt16BE(6)) {
      buf = buf.subarray(8 + buf.readUInt16BE(6));
      s.write(reply);
    }
  });
});
srv.listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

/** Raw limit: answers every request with a 2-register FC04 response, no meter model. */
const RAW_SERVER = `
const net = require('node:net');
const srv = net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('error', () => s.destroy());
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    const out = [];
    while (buf.length >= 12) {
      const r = Buffer.from([buf[0], buf[1], 0, 0, 0, 7, buf[6], 4, 4, 0, 1, 0, 2]);
      out.push(r); buf = buf.subarray(12);
    }
    if (out.length) s.write(Buffer.concat(out));
  });
});
srv.listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freeRange(count: number): Promise<number> {
  for (let base = 42_000; base < 60_000; base += 100) {
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

function waitFor(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out.slice(-500)}`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Pipelined FC04 reads of registers 0..1 on random unit ids; returns reads/s. */
async function load(targets: { port: number; units: number }[], seconds: number) {
  let done = 0;
  let errors = 0;
  let seed = 12345;
  const nextUnit = (units: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed % units) + 1;
  };
  const sockets: Socket[] = [];
  const start = clock.monoMs();
  const endAt = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, c) => {
      const target = targets[c % targets.length]!;
      return new Promise<void>((resolve, reject) => {
        const s = connect(target.port, '127.0.0.1');
        sockets.push(s);
        s.setNoDelay(true);
        let tid = 0;
        let buf = Buffer.alloc(0);
        const send = () => {
          const unit = nextUnit(target.units);
          tid = (tid + 1) & 0xffff;
          s.write(Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 4, 0, 0, 0, 2]));
        };
        s.once('connect', () => {
          for (let i = 0; i < WINDOW; i++) send();
        });
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 6 && buf.length >= 6 + buf.readUInt16BE(4)) {
            const len = 6 + buf.readUInt16BE(4);
            if (buf[7] !== 4) errors++;
            else done++;
            buf = buf.subarray(len);
            if (clock.monoMs() < endAt) send();
          }
          if (clock.monoMs() >= endAt) resolve();
        });
        s.once('error', reject);
      });
    }),
  );
  const elapsedS = (clock.monoMs() - start) / 1000;
  for (const s of sockets) s.destroy();
  return { readsPerS: done / elapsedS, errors, done };
}

const AARQ_READER = Buffer.from(
  '6033A1090607608574050801018A0207808B0760857405080201AC0780054775727578' +
    'BE10040E01000000065F1F0400401E1DFFFF',
  'hex',
);
const GET_IMPORT = Buffer.from('C001C100030100010800FF0200', 'hex');

function wrapper(destination: number, apdu: Buffer): Buffer {
  const head = Buffer.from([0, 1, 0, 17, destination >> 8, destination & 0xff, 0, 0]);
  head.writeUInt16BE(apdu.length, 6);
  return Buffer.concat([head, apdu]);
}

/** DLMS: one association per connection (reader, LLS), then back-to-back GETs of +A. */
async function dlmsLoad(port: number, addresses: number[], seconds: number) {
  let done = 0;
  let errors = 0;
  const sockets: Socket[] = [];
  const start = clock.monoMs();
  const endAt = start + seconds * 1000;
  await Promise.all(
    addresses.map(
      (address) =>
        new Promise<void>((resolve, reject) => {
          const s = connect(port, '127.0.0.1');
          sockets.push(s);
          s.setNoDelay(true);
          let associated = false;
          let buf = Buffer.alloc(0);
          s.once('connect', () => s.write(wrapper(address, AARQ_READER)));
          s.on('data', (d: Buffer) => {
            buf = Buffer.concat([buf, d]);
            while (buf.length >= 8 && buf.length >= 8 + buf.readUInt16BE(6)) {
              const apdu = buf.subarray(8, 8 + buf.readUInt16BE(6));
              buf = buf.subarray(8 + apdu.length);
              if (associated && apdu[0] === 0xc4 && apdu[3] === 0) done++;
              else if (associated) errors++;
              associated = true;
            }
            if (clock.monoMs() >= endAt) resolve();
            else s.write(wrapper(address, GET_IMPORT));
          });
          s.once('error', reject);
        }),
    ),
  );
  const elapsedS = (clock.monoMs() - start) / 1000;
  for (const s of sockets) s.destroy();
  return { readsPerS: done / elapsedS, errors, done };
}

async function main() {
  const modbusMeters = Math.ceil(METERS / 2);
  const ports = Math.ceil(modbusMeters / UNITS_PER_PORT);
  const base = await freeRange(ports + 3);
  const t0 = clock.monoMs();
  const sim = spawn(
    process.execPath,
    [
      'hardware-sim/bin/gridbill-sim.js',
      'run',
      '--meters',
      String(METERS),
      '--modbus-port',
      String(base),
      '--dlms-port',
      String(base + ports),
      '--control-port',
      String(base + ports + 1),
      '--speed',
      '60',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const raw = spawn(process.execPath, ['-e', RAW_SERVER, String(base + ports + 2)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rawDlms = spawn(process.execPath, ['-e', RAW_DLMS_SERVER, String(base + ports + 3)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await Promise.all([
      waitFor(sim, 'panel http'),
      waitFor(raw, 'ready'),
      waitFor(rawDlms, 'ready'),
    ]);
    const startS = (clock.monoMs() - t0) / 1000;
    const rssIdle = rssMb(sim.pid!);
    const targets = Array.from({ length: ports }, (_, i) => ({
      port: base + i,
      units: Math.min(UNITS_PER_PORT, modbusMeters - i * UNITS_PER_PORT),
    }));
    await load(targets, 1); // warm-up
    const simRun = await load(targets, SECONDS);
    let rssLoaded = rssMb(sim.pid!);
    const rawRun = await load([{ port: base + ports + 2, units: 247 }], SECONDS);
    const dlmsMeters = METERS - modbusMeters;
    const addresses = Array.from({ length: 16 }, (_, i) => 1 + ((i * 313) % dlmsMeters));
    const dlmsRun = await dlmsLoad(base + ports, addresses, SECONDS);
    rssLoaded = Math.max(rssLoaded, rssMb(sim.pid!));
    const rawDlmsRun = await dlmsLoad(base + ports + 3, addresses, SECONDS);
    const health = await (await fetch(`http://127.0.0.1:${base + ports + 1}/healthz`)).json();
    report({ startS, rssIdle, rssLoaded, simRun, rawRun, dlmsRun, rawDlmsRun, health, ports });
  } finally {
    sim.kill('SIGTERM');
    raw.kill('SIGTERM');
    rawDlms.kill('SIGTERM');
  }
}

function report(r: {
  startS: number;
  rssIdle: number;
  rssLoaded: number;
  simRun: { readsPerS: number; errors: number; done: number };
  rawRun: { readsPerS: number };
  dlmsRun: { readsPerS: number; errors: number };
  rawDlmsRun: { readsPerS: number };
  health: unknown;
  ports: number;
}) {
  const date = new Date(clock.wallMs()).toISOString().slice(0, 16).replace('T', ' ');
  const cpu = cpus()[0]?.model ?? 'unknown';
  const ratio = r.simRun.readsPerS / r.rawRun.readsPerS;
  const sim = r.simRun;
  const modbus = Math.ceil(METERS / 2);
  const lines = [
    `## Hardware simulator scale (bench/sim-scale.ts), ${date} UTC`,
    '',
    `Machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
      `Node ${process.version}. Client and simulator share the cores.`,
    '',
    '| figure | value | limit / raw | ratio |',
    '|---|---|---|---|',
    `| meters in one process | ${METERS} (Modbus ${modbus} over ${r.ports} ports + ` +
      `DLMS ${METERS - modbus} on 1 port) | ≥ 10 000 | |`,
    `| start-up to listening | ${r.startS.toFixed(1)} s | | |`,
    `| RSS idle / after load | ${r.rssIdle.toFixed(0)} MB / ${r.rssLoaded.toFixed(0)} MB | ` +
      `≤ 1 024 MB | ${(r.rssLoaded / 1024).toFixed(2)} of limit |`,
    `| Modbus FC04 reads/s (${CONNECTIONS} conns × ${WINDOW} pipelined, ${SECONDS} s) | ` +
      `${sim.readsPerS.toFixed(0)} (${sim.errors} exceptions) | ` +
      `raw responder ${r.rawRun.readsPerS.toFixed(0)}/s | ` +
      `${ratio.toFixed(2)} of raw; ${(sim.readsPerS / 5000).toFixed(1)}× the 5 000/s goal |`,
    `| DLMS wrapper GET +A/s (16 associations, 1 outstanding each, ${SECONDS} s) | ` +
      `${r.dlmsRun.readsPerS.toFixed(0)} (${r.dlmsRun.errors} errors) | ` +
      `raw responder ${r.rawDlmsRun.readsPerS.toFixed(0)}/s | ` +
      `${(r.dlmsRun.readsPerS / r.rawDlmsRun.readsPerS).toFixed(2)} of raw |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\nhealth: ${JSON.stringify(r.health)}\n`);
}

await main();
