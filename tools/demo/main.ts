/**
 * `npm start`: the live demo. Central (embedded SQLite + MQTT broker), the hardware simulator
 * with a ~200-meter fleet and a gateway polling it, on accelerated time. Prints the URLs and
 * stops everything on Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateTokenKey } from '../../central/src/app/token-key-file.js';
import { createSystemClock } from '../../shared/src/clock/index.js';
import { ed25519PrivateKeyFromSeed } from '../../shared/src/sync/index.js';
import { tokenPublicKeyRaw } from '../../shared/src/token/index.js';
import { type Child, runNode, startChild, stopAll, waitHealthy } from './child-process.js';
import { buildDemoPlan, type DemoMeter, type DemoPorts } from './demo-plan.js';
import { freePort } from './free-port.js';
import { withCentralIds } from './central-ids.js';
import { CentralClient, seedCentral } from './seed-central.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = {
  central: join(ROOT, 'central/bin/gridbill-central.js'),
  sim: join(ROOT, 'hardware-sim/bin/gridbill-sim.js'),
  edge: join(ROOT, 'edge/bin/gridbill-edge.js'),
};
const PASSWORD = 'gridbill-demo';
const GATEWAY_ID = 'gw-demo';
const FIXED_PORTS: DemoPorts = {
  central: 8080,
  simControl: 8090,
  edgeHttp: 8470,
  modbusTcp: 15020,
  dlmsWrapper: 14059,
  mqtt: 1883,
};

const { values: opts } = parseArgs({
  options: {
    meters: { type: 'string', default: '200' },
    speed: { type: 'string', default: '60' },
    'data-dir': { type: 'string', default: join(ROOT, '.data', 'demo') },
    'free-ports': { type: 'boolean', default: false },
  },
});

async function pickPorts(free: boolean): Promise<DemoPorts> {
  if (!free) return FIXED_PORTS;
  const entries = await Promise.all(
    Object.keys(FIXED_PORTS).map(async (k) => [k, await freePort()] as const),
  );
  return Object.fromEntries(entries) as unknown as DemoPorts;
}

function step(text: string): void {
  process.stdout.write(`• ${text}\n`);
}

async function main(): Promise<void> {
  const dataDir = resolve(opts['data-dir']);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'tariffs'), { recursive: true });
  const withRtu = spawnSync('sh', ['-c', 'command -v socat']).status === 0;
  const ports = await pickPorts(opts['free-ports']);
  const startMs = createSystemClock().wallMs();
  const speed = opts.speed;
  const plan = buildDemoPlan({
    meterCount: Number.parseInt(opts.meters, 10),
    startMs,
    ports,
    dataDir,
    withRtu,
  });
  if (!withRtu) step('socat not found: serial meters run on Modbus TCP / DLMS wrapper instead');
  for (const t of plan.tariffs)
    writeFileSync(join(dataDir, 'tariffs', `${t.tariffId}.json`), JSON.stringify(t, null, 2));
  writeFileSync(join(dataDir, 'fleet.json'), JSON.stringify(plan.fleet, null, 2));

  step('central: database, demo users, tariffs, gateway credential');
  const centralDir = join(dataDir, 'central');
  const c = (...args: string[]) => [BIN.central, ...args];
  await runNode(c('migrate', '--data-dir', centralDir));
  const users = [['demo', 'admin'], ['cashier', 'cashier'], ['clerk', 'billing-clerk']];
  for (const [user, role] of users)
    await runNode(c('user', 'add', user!, '--role', role!, '--data-dir', centralDir), {
      GRIDBILL_PASSWORD: PASSWORD,
    });
  for (const t of plan.tariffs)
    await runNode(c('tariff', 'import', join(dataDir, 'tariffs', `${t.tariffId}.json`),
      '--data-dir', centralDir));
  const added = await runNode(c('gateway', 'add', GATEWAY_ID, '--name', 'Demo substation',
    '--data-dir', centralDir));
  const secret = /secret (\S+)/.exec(added)?.[1] ?? '';
  writeFileSync(join(dataDir, 'gateway.secret'), `${secret}\n`, { mode: 0o600 });
  // Offline top-up tokens: the gateway trusts central's issuing key (public half only).
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const tokenKey = loadOrCreateTokenKey(join(centralDir, 'token-signing.key'), random);
  // Sync: the gateway signs its requests; central learns the public key below.
  const syncSeed = randomBytes(32);
  writeFileSync(join(dataDir, 'gateway-sync.key'), syncSeed.toString('hex'), { mode: 0o600 });
  const syncPublicKey = createPublicKey(ed25519PrivateKeyFromSeed(syncSeed)).export({
    format: 'jwk',
  }).x!;
  const edgeConfig = {
    ...plan.edgeConfig,
    central: {
      url: `http://127.0.0.1:${ports.central}`,
      username: GATEWAY_ID,
      passwordFile: join(dataDir, 'gateway.secret'),
      signingKeyFile: join(dataDir, 'gateway-sync.key'),
      keyId: 'k1',
    },
    tokens: {
      publicKeys: [
        {
          kid: tokenKey.keyId,
          publicKey: Buffer.from(tokenPublicKeyRaw(tokenKey.publicKey)).toString('hex'),
        },
      ],
    },
  };

  const children: Child[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    step('stopping…');
    await stopAll(children);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    const serveArgs = ['--port', String(ports.central), '--mqtt-port', String(ports.mqtt)];
    const central = startChild('central', c('serve', '--data-dir', centralDir, ...serveArgs),
      join(dataDir, 'central.log'));
    children.push(central);
    const centralUrl = `http://127.0.0.1:${ports.central}`;
    await waitHealthy(`${centralUrl}/healthz`, central, 60_000);
    step(`central: creating ${plan.meters.length} customers, accounts and meters`);
    const api = new CentralClient(centralUrl);
    await api.signIn('demo', PASSWORD);
    await api.call('POST', `/api/gateways/${GATEWAY_ID}/sync-keys`, {
      keyId: 'k1',
      publicKey: syncPublicKey,
    });
    const seeded = await seedCentral(api, plan.meters, GATEWAY_ID, startMs);
    step('central: opening credit for prepaid and hybrid accounts (cash at the counter)');
    await postOpeningCredits(api, plan.meters);
    const mapped = withCentralIds(edgeConfig, seeded);
    const gatewayConfig = {
      ...mapped,
      accounts: (mapped.accounts as object[]).map((a) => ({ ...a, openingBalanceMinor: 0 })),
    };
    writeFileSync(join(dataDir, 'edge.json'), JSON.stringify(gatewayConfig, null, 2));

    step(`simulator: ${plan.meters.length} meters at ${speed}× speed`);
    const sim = startChild('simulator', [BIN.sim, 'run', '--fleet', join(dataDir, 'fleet.json'),
      '--speed', speed, '--control-port', String(ports.simControl)], join(dataDir, 'sim.log'));
    children.push(sim);
    await waitHealthy(`http://127.0.0.1:${ports.simControl}/healthz`, sim, 60_000);

    step('gateway: polling the fleet');
    const edge = startChild('gateway', [BIN.edge, 'run', '--config', join(dataDir, 'edge.json'),
      '--time-speed', speed, '--start-time', new Date(startMs).toISOString()],
      join(dataDir, 'edge.log'));
    children.push(edge);
    await waitHealthy(`http://127.0.0.1:${ports.edgeHttp}/healthz`, edge, 60_000);
  } catch (err) {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stderr.write(`logs: ${dataDir}/*.log\n`);
    await shutdown(1);
    return;
  }
  process.stdout.write(
    [
      '',
      'Gridbill demo is running (Ctrl-C stops everything):',
      `  Staff UI          http://127.0.0.1:${ports.central}/ui   sign in: demo / ${PASSWORD}` +
        ` (cashier / ${PASSWORD}, clerk / ${PASSWORD})`,
      `  Simulator panel   http://127.0.0.1:${ports.simControl}/`,
      `  Gateway status    http://127.0.0.1:${ports.edgeHttp}/`,
      `  API docs          http://127.0.0.1:${ports.central}/docs`,
      `  Logs and data     ${dataDir}`,
      '',
    ].join('\n'),
  );
}

/**
 * Prepaid money starts in central like any top-up: a counter payment per prepaid or hybrid
 * account, which reaches the gateway as a credit through the change feed (the gateway's own
 * opening balances are zero), so both sides hold the same balances.
 */
async function postOpeningCredits(api: CentralClient, meters: DemoMeter[]): Promise<void> {
  for (const m of meters) {
    if (m.mode === 'postpaid') continue;
    await api.call(
      'POST',
      '/api/payments',
      {
        channel: 'counter',
        provider: 'cash',
        providerTxnId: `demo-opening-${m.accountNumber}`,
        accountNumber: m.accountNumber,
        amountMinor: m.openingBalanceMinor,
        currency: 'CNY',
        reason: 'demo opening credit',
      },
      { 'idempotency-key': `demo-opening-${m.accountNumber}` },
    );
  }
}

await main();
