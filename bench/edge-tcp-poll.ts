/**
 * Edge G4d: 1,000 TCP meters answering in 50 ms, polled through the gateway's own path
 * (buildTargets: one Modbus TCP connection per meter, the TCP bus concurrency limit,
 * ModbusLink.readEnergy decoding the shared gridbill-prepaid map, 26 registers per read). Each
 * meter is polled back to back for DURATION_S. The responder (bench/edge-modbus-responder.ts)
 * is one child process, one port, one connection per meter, answers due on a 5 ms timer wheel.
 * Same run, same responder, three phases, each printing CPU (this process and the responder):
 * 1. responder capacity: 100 raw sockets × 256 pipelined FC04 requests (bound 512k/s);
 * 2. raw sockets: 1,000 connections, one outstanding FC04 each (the gateway's load shape);
 * 3. the gateway path. Latency bound: 1,000 / 50 ms = 20,000/s.
 * Goal: ≥ 9,000 reads/s. Run: `npx tsx bench/edge-tcp-poll.ts` (env METERS, DURATION_S,
 * TICK_MS; ONLY=gateway for the gateway phase alone, e.g. under `node --cpu-prof`).
 *
 * Last line: `edge TCP polling: <n> reads/s with 1000 meters at 50 ms (goal 9000: met | NOT met);
 * raw sockets <n>/s (ratio <r>); latency bound 20000/s (ratio <r>); responder capacity …`
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createSystemClock } from '../shared/src/clock/index.js';
import { gatewayConfigSchema } from '../edge/src/config/index.js';
import { buildTargets } from '../edge/src/gateway/build-targets.js';

const METERS = Number(process.env.METERS ?? 1_000);
const DURATION_S = Number(process.env.DURATION_S ?? 8);
const DELAY_MS = 50;
const TICK_MS = Number(process.env.TICK_MS ?? 5);
const PIPE_CONNECTIONS = 100;
const PIPE_DEPTH = 256;

interface Responder {
  proc: ChildProcess;
  port: number;
  /** This child's CPU time (user + system, ms) and answers so far. */
  cpu(): Promise<{ cpuMs: number; answers: number }>;
}

async function responder(): Promise<Responder> {
  const script = new URL('./edge-modbus-responder.ts', import.meta.url).pathname;
  const args = ['--import', 'tsx', script, '0', String(DELAY_MS), String(TICK_MS)];
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiters: ((line: string) => void)[] = [];
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line) waiters.shift()?.(line);
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  const ready = await next();
  const port = Number(/ready (\d+)/.exec(ready)?.[1]);
  const cpu = async () => {
    const answer = next();
    proc.stdin?.write('cpu\n');
    const [, user, system, answers] = (await answer).split(' ').map(Number);
    return { cpuMs: ((user ?? 0) + (system ?? 0)) / 1000, answers: answers ?? 0 };
  };
  return { proc, port, cpu };
}

async function gateway(port: number): Promise<number> {
  const config = gatewayConfigSchema.parse({
    gatewayId: 'gw-bench',
    siteTimeZone: 'UTC',
    currency: 'USD',
    dataDir: '/tmp/unused',
    buses: [{ id: 'tcp', kind: 'tcp', maxConcurrent: METERS, timeoutMs: 5_000 }],
    accounts: [{ id: 'a', mode: 'postpaid', tariffId: 't' }],
    meters: Array.from({ length: METERS }, (_, i) => ({
      id: `m${i}`,
      protocol: 'modbus',
      bus: 'tcp',
      profile: 'gridbill-prepaid',
      host: '127.0.0.1',
      port,
      address: 1,
      accountId: 'a',
    })),
  });
  const targets = buildTargets(config, {
    clock: createSystemClock(),
    random: (n) => new Uint8Array(n),
    logger: pino({ level: 'silent' }),
  });
  const list = [...targets.targets.values()];
  await Promise.all(list.map((t) => t.run(() => t.link.readEnergy(), 'normal'))); // connect
  let reads = 0;
  let errors = 0;
  const end = performance.now() + DURATION_S * 1000;
  const t0 = performance.now();
  await Promise.all(
    list.map(async (t) => {
      while (performance.now() < end) {
        try {
          await t.run(() => t.link.readEnergy(), 'normal');
          reads++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const perSec = reads / ((performance.now() - t0) / 1000);
  await targets.close();
  if (errors > 0) console.log(`gateway poll errors: ${errors}`);
  return perSec;
}

/** Raw sockets, one outstanding FC04 per connection: the same load shape as the gateway. */
function raw(port: number): Promise<number> {
  return rawClient(port, METERS, 1);
}

/**
 * `connections` raw sockets (connected before the clock starts) with `depth` FC04 requests in
 * flight each. The answer size is fixed (7 + 2 + 52 bytes), so counting bytes counts answers;
 * each answer is replaced by a new request at once. Returns answers per second.
 */
async function rawClient(port: number, connections: number, depth: number): Promise<number> {
  const one = Buffer.from([0, 1, 0, 0, 0, 6, 1, 4, 0, 0, 0, 26]);
  const answerBytes = 9 + 26 * 2;
  const batch = Buffer.concat(Array.from({ length: depth }, () => one));
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
  let reads = 0;
  const end = performance.now() + DURATION_S * 1000;
  const t0 = performance.now();
  const poll = (s: Socket) =>
    new Promise<void>((resolve) => {
      let partial = 0;
      let stopping = false;
      s.on('data', (b: Buffer) => {
        const total = partial + b.length;
        const n = Math.floor(total / answerBytes);
        partial = total - n * answerBytes;
        reads += n;
        if (stopping || n === 0) return;
        if (performance.now() < end) s.write(batch.subarray(0, n * one.length));
        else {
          stopping = true;
          resolve();
        }
      });
      s.write(batch);
    });
  await Promise.all(sockets.map(poll));
  const perSec = reads / ((performance.now() - t0) / 1000);
  for (const s of sockets) s.destroy();
  return perSec;
}

interface Phase {
  perSec: number;
  selfCpuMs: number;
  responderCpuMs: number;
  wallMs: number;
}

async function phase(r: Responder, run: () => Promise<number>): Promise<Phase> {
  const before = await r.cpu();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const perSec = await run();
  const wallMs = performance.now() - t0;
  const self = process.cpuUsage(self0);
  const after = await r.cpu();
  return {
    perSec,
    selfCpuMs: (self.user + self.system) / 1000,
    responderCpuMs: after.cpuMs - before.cpuMs,
    wallMs,
  };
}

const cores = (p: Phase, cpuMs: number) => (cpuMs / p.wallMs).toFixed(2);
const usPerRead = (p: Phase, cpuMs: number) =>
  ((cpuMs * 1000) / (p.perSec * (p.wallMs / 1000))).toFixed(1);
const cpuText = (p: Phase, self: string) =>
  `CPU ${self} ${cores(p, p.selfCpuMs)} cores (${usPerRead(p, p.selfCpuMs)} µs/read), ` +
  `responder ${cores(p, p.responderCpuMs)} cores (${usPerRead(p, p.responderCpuMs)} µs/answer)`;
const load = () => loadavg()[0]?.toFixed(1);

const r = await responder();
try {
  const only = process.env.ONLY;
  const bound = METERS / (DELAY_MS / 1000);
  if (only === 'gateway') {
    const gw = await phase(r, () => gateway(r.port));
    console.log(`gateway ${Math.round(gw.perSec)} reads/s; ${cpuText(gw, 'gateway')}`);
  } else {
    const loadAtStart = load();
    const cap = await phase(r, () => rawClient(r.port, PIPE_CONNECTIONS, PIPE_DEPTH));
    const rawP = await phase(r, () => raw(r.port));
    const gw = await phase(r, () => gateway(r.port));
    console.log(
      `responder capacity (raw pipelined, ${PIPE_CONNECTIONS} sockets × ${PIPE_DEPTH} in ` +
        `flight): ${Math.round(cap.perSec)}/s; ${cpuText(cap, 'client')}`,
    );
    console.log(
      `raw sockets (${METERS} × 1 in flight): ${Math.round(rawP.perSec)}/s, mean round trip ` +
        `${((METERS / rawP.perSec) * 1000).toFixed(1)} ms; ${cpuText(rawP, 'client')}`,
    );
    console.log(
      `gateway: ${gw.perSec.toFixed(0)} reads/s; ${cpuText(gw, 'gateway')}; ` +
        `load average ${loadAtStart} → ${load()} (2 cores)`,
    );
    console.log(
      `edge TCP polling: ${Math.round(gw.perSec)} reads/s with ${METERS} meters at ` +
        `${DELAY_MS} ms (goal 9000: ${gw.perSec >= 9000 ? 'met' : 'NOT met'}); ` +
        `raw sockets ${Math.round(rawP.perSec)}/s ` +
        `(ratio ${(gw.perSec / rawP.perSec).toFixed(2)}); ` +
        `latency bound ${bound}/s (ratio ${(gw.perSec / bound).toFixed(2)}); responder ` +
        `capacity ${Math.round(cap.perSec)}/s (ratio ${(gw.perSec / cap.perSec).toFixed(2)})`,
    );
  }
} finally {
  r.proc.stdin?.end();
  r.proc.kill();
}
