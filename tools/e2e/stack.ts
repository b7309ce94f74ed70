/**
 * The three real processes of an end-to-end scenario, built from the live demo's plan
 * (`tools/demo`): `gridbill-central serve` (SQLite), `gridbill-sim run --fleet` and
 * `gridbill-edge run --time-speed N`, on free 127.0.0.1 ports in a temporary directory.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, startChild, stopAll, waitHealthy } from '../demo/child-process.js';
import { buildDemoPlan, type DemoPlan, type DemoPorts } from '../demo/demo-plan.js';
import { freePort } from '../demo/free-port.js';
import { CentralClient, type SeededMeter, seedCentral } from '../demo/seed-central.js';
import {
  BIN,
  type CentralSetup,
  configureCentral,
  GATEWAY_ID,
  initCentralDir,
  PASSWORD,
} from './central-setup.js';
import { gatewayConfig } from './gateway-config.js';
import { realClock } from './wait-for.js';

export interface StackOptions {
  meterCount: number;
  /** Simulated seconds per real second, for the simulator and the gateway. */
  speed: number;
  /** Gateway poll period in simulated seconds. */
  pollEverySeconds: number;
  /** Adjusts the gateway configuration (opening balances, policy) before it is written. */
  tweak?: (config: Record<string, unknown>) => void;
  /** Give the gateway its sync signing key, so it syncs with central (default false). */
  sync?: boolean;
}

const START_TIMEOUT_MS = 60_000;

export class Stack {
  readonly children: Child[] = [];
  central!: Child;
  sim!: Child;
  edge!: Child;
  admin!: CentralClient;
  cashier!: CentralClient;
  seeded: SeededMeter[] = [];
  setup!: CentralSetup;
  centralDir = '';
  private edgeRuns = 0;

  constructor(
    readonly dataDir: string,
    readonly ports: DemoPorts,
    readonly plan: DemoPlan,
    readonly speed: number,
    readonly pollEverySeconds: number,
  ) {}

  get centralUrl(): string {
    return `http://127.0.0.1:${this.ports.central}`;
  }
  get simUrl(): string {
    return `http://127.0.0.1:${this.ports.simControl}`;
  }
  get edgeUrl(): string {
    return `http://127.0.0.1:${this.ports.edgeHttp}`;
  }
  get edgeDbFile(): string {
    return join(this.dataDir, 'edge', 'gateway.db');
  }

  async startCentral(): Promise<void> {
    const args = [
      BIN.central,
      'serve',
      '--data-dir',
      this.centralDir,
      '--port',
      String(this.ports.central),
      '--mqtt-port',
      String(this.ports.mqtt),
    ];
    this.central = this.track(startChild('central', args, this.log('central')));
    await waitHealthy(`${this.centralUrl}/healthz`, this.central, START_TIMEOUT_MS);
  }

  /** SIGTERM (or `signal`) to central; resolves when it has exited. */
  async stopCentral(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.central.proc.kill(signal);
    await this.central.exited;
  }

  /** Starts the gateway at the simulator's current simulated time. */
  async startEdge(): Promise<void> {
    const clock = await this.simJson<{ simTimeMs: number }>('/api/clock');
    this.edgeRuns += 1;
    const args = [
      BIN.edge,
      'run',
      '--config',
      join(this.dataDir, 'edge.json'),
      '--time-speed',
      String(this.speed),
      '--start-time',
      new Date(clock.simTimeMs).toISOString(),
      '--poll-every',
      String(this.pollEverySeconds),
    ];
    this.edge = this.track(startChild('gateway', args, this.log(`edge-${this.edgeRuns}`)));
    await waitHealthy(`${this.edgeUrl}/healthz`, this.edge, START_TIMEOUT_MS);
  }

  async killEdge(): Promise<void> {
    this.edge.proc.kill('SIGKILL');
    await this.edge.exited;
  }

  async edgeStatus(): Promise<EdgeStatus> {
    const res = await fetch(`${this.edgeUrl}/api/status`);
    if (!res.ok) throw new Error(`gateway status → ${res.status}`);
    return (await res.json()) as EdgeStatus;
  }

  async simJson<T>(path: string): Promise<T> {
    const res = await fetch(this.simUrl + path);
    if (!res.ok) throw new Error(`simulator ${path} → ${res.status}`);
    return (await res.json()) as T;
  }

  async simPost(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(this.simUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator POST ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Central's ids for the plan meter `planMeterId` (e.g. 'm-0001'). */
  ids(planMeterId: string): SeededMeter {
    const s = this.seeded.find((x) => x.planMeterId === planMeterId);
    if (!s) throw new Error(`no seeded meter ${planMeterId}`);
    return s;
  }

  async close(): Promise<void> {
    await stopAll(this.children.filter((c) => c.proc.exitCode === null && !c.proc.signalCode));
    if (!process.env.GRIDBILL_E2E_KEEP) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The last lines of every process log, for failure messages. */
  logTails(lines = 8): string {
    return readdirSync(this.dataDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => {
        const text = readFileSync(join(this.dataDir, f), 'utf8').trimEnd().split('\n');
        return `--- ${f}\n${text.slice(-lines).join('\n')}`;
      })
      .join('\n');
  }

  private track(child: Child): Child {
    this.children.push(child);
    return child;
  }

  private log(name: string): string {
    return join(this.dataDir, `${name}.log`);
  }
}

export interface EdgeStatus {
  outbox: { lastSeq: number; ackedSeq: number; lag: number };
  meters: {
    id: string;
    accountId: string;
    lastReadMs: number | null;
    lastValueWh: number | null;
    relayPhase: string;
  }[];
  balances: { accountId: string; balanceMinor: string; mode: string }[];
}

/**
 * Central (set up by CLI, seeded by the demo's API client), the simulator and the gateway,
 * all started; the gateway's config uses central's meter and account ids.
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dataDir = mkdtempSync(join(base, 'gridbill-e2e-'));
  const ports: DemoPorts = {
    central: await freePort(),
    simControl: await freePort(),
    edgeHttp: await freePort(),
    modbusTcp: await freePort(),
    dlmsWrapper: await freePort(),
    mqtt: await freePort(),
  };
  const startMs = realClock.wallMs();
  const plan = buildDemoPlan({ meterCount: o.meterCount, startMs, ports, dataDir, withRtu: false });
  const stack = new Stack(dataDir, ports, plan, o.speed, o.pollEverySeconds);
  try {
    stack.centralDir = await initCentralDir(dataDir);
    await stack.startCentral();
    stack.admin = new CentralClient(stack.centralUrl);
    await stack.admin.signIn('admin', PASSWORD);
    stack.setup = await configureCentral(stack.admin, dataDir, stack.centralDir, plan.tariffs);
    stack.cashier = new CentralClient(stack.centralUrl);
    await stack.cashier.signIn('cashier', PASSWORD);
    stack.seeded = await seedCentral(stack.admin, plan.meters, GATEWAY_ID, startMs);
    const config = gatewayConfig(
      plan,
      stack.seeded,
      stack.setup,
      stack.centralUrl,
      o.sync ?? false,
    );
    o.tweak?.(config);
    writeFileSync(join(dataDir, 'edge.json'), JSON.stringify(config, null, 2));
    writeFileSync(join(dataDir, 'fleet.json'), JSON.stringify(plan.fleet, null, 2));
    mkdirSync(join(dataDir, 'tariffs'));
    for (const t of plan.tariffs)
      writeFileSync(join(dataDir, 'tariffs', `${t.tariffId}.json`), JSON.stringify(t));
    const simArgs = [
      BIN.sim,
      'run',
      '--fleet',
      join(dataDir, 'fleet.json'),
      '--speed',
      String(o.speed),
      '--control-port',
      String(ports.simControl),
    ];
    stack.sim =
      stack.children[
        stack.children.push(startChild('simulator', simArgs, join(dataDir, 'sim.log'))) - 1
      ]!;
    await waitHealthy(`${stack.simUrl}/healthz`, stack.sim, START_TIMEOUT_MS);
    await stack.startEdge();
  } catch (err) {
    const logs = stack.logTails();
    await stack.close();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs}`);
  }
  return stack;
}
