/**
 * Edge G4d: 1,000 TCP meters answering in 50 ms, polled through the gateway's own path
 * (buildTargets: one modbus-serial client per meter, the TCP bus concurrency limit,
 * ModbusLink.readEnergy decoding the shared gridbill-prepaid map). Each meter is polled back to
 * back for DURATION_S. Raw limit in the same run: raw sockets, one outstanding FC04 per
 * connection, against the same responder; the latency bound is 1,000 / 50 ms = 20,000/s.
 * Goal: ≥ 9,000 reads/s. Run: `npx tsx bench/edge-tcp-poll.ts` (env METERS, DURATION_S).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createSystemClock } from '../shared/src/clock/index.js';
import { gatewayConfigSchema } from '../edge/src/config/index.js';
import { buildTargets } from '../edge/src/gateway/build-targets.js';

const METERS = Number(process.env.METERS ?? 1_000);
const DURATION_S = Number(process.env.DURATION_S ?? 8);
const DELAY_MS = 50;

async function responder(): Promise<{ proc: ChildProcess; port: number }> {
  const script = new URL('./edge-modbus-responder.ts', import.meta.url).pathname;
  const proc = spawn(process.execPath, ['--import', 'tsx', script, '0', String(DELAY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    proc.stdout?.on('data', (b: Buffer) => {
      const m = /ready (\d+)/.exec(b.toString());
      if (m) resolve(Number(m[1]));
    }),
  );
  return { proc, port };
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

async function raw(port: number): Promise<number> {
  const req = Buffer.from([0, 1, 0, 0, 0, 6, 1, 4, 0, 0, 0, 26]);
  let reads = 0;
  const end = performance.now() + DURATION_S * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: METERS },
      () =>
        new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1', () => s.write(req));
          s.setNoDelay(true);
          s.on('data', () => {
            reads++;
            if (performance.now() < end) s.write(req);
            else s.end(() => resolve());
          });
          s.on('error', () => resolve());
        }),
    ),
  );
  return reads / ((performance.now() - t0) / 1000);
}

const r = await responder();
try {
  const rawPerSec = await raw(r.port);
  const gwPerSec = await gateway(r.port);
  const bound = METERS / (DELAY_MS / 1000);
  console.log(
    `edge TCP polling: ${Math.round(gwPerSec)} reads/s with ${METERS} meters at ${DELAY_MS} ms ` +
      `(goal 9000); raw sockets ${Math.round(rawPerSec)}/s ` +
      `(ratio ${(gwPerSec / rawPerSec).toFixed(2)}); ` +
      `latency bound ${bound}/s (ratio ${(gwPerSec / bound).toFixed(2)})`,
  );
} finally {
  r.proc.kill();
}
