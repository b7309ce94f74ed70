import type { Clock } from '@gridbill/shared/clock';
import { registerMapById } from '@gridbill/shared/modbus';
import type { Logger } from 'pino';
import type { BusConfig, GatewayConfig, MeterConfig } from '../config/index.js';
import { ConcurrencyLimit } from '../polling/concurrency-limit.js';
import type { InvocationCounterStore } from '../dlms/index.js';
import { DlmsLink } from '../polling/dlms-link.js';
import {
  closeModbus,
  connectModbusRtu,
  connectModbusTcp,
  type ModbusClient,
} from '../polling/modbus-client.js';
import { ModbusLink } from '../polling/modbus-link.js';
import type { MeterLink } from '../polling/meter-link.js';
import type { PollTarget } from '../polling/poller.js';
import { interFrameGapMs, SerialBusQueue } from '../polling/serial-bus-queue.js';

export interface Targets {
  targets: Map<string, PollTarget>;
  queues: Map<string, SerialBusQueue>;
  limits: Map<string, ConcurrencyLimit>;
  close(): Promise<void>;
}

export interface TargetDeps {
  clock: Clock;
  random: (n: number) => Uint8Array;
  logger: Logger;
  /** Durable DLMS invocation counters per meter (HLS-GMAC). */
  counterStore?: (meterId: string) => InvocationCounterStore;
}

/**
 * Builds a poll target per configured meter: RS-485 meters share their bus queue (and, for
 * Modbus, one client per bus); TCP meters share their bus's concurrency limit and connect
 * lazily, so an unreachable meter only fails its own polls.
 */
export function buildTargets(config: GatewayConfig, deps: TargetDeps): Targets {
  const queues = new Map<string, SerialBusQueue>();
  const limits = new Map<string, ConcurrencyLimit>();
  const rtuClients = new Map<string, Promise<ModbusClient>>();
  const opened: (() => Promise<void>)[] = [];
  const buses = new Map(config.buses.map((b) => [b.id, b]));
  for (const bus of config.buses) {
    if (bus.kind === 'tcp') limits.set(bus.id, new ConcurrencyLimit(bus.maxConcurrent));
    else
      queues.set(
        bus.id,
        new SerialBusQueue(deps.clock, {
          interFrameGapMs: bus.interFrameGapMs ?? interFrameGapMs(bus.baudRate),
          timeoutMs: bus.timeoutMs,
          backoff: bus.backoff,
        }),
      );
  }
  const rtuClient = (bus: Extract<BusConfig, { kind: 'rtu' }>) => {
    let p = rtuClients.get(bus.id);
    if (!p) {
      p = connectModbusRtu(bus);
      rtuClients.set(bus.id, p);
      opened.push(async () => closeModbus(await p!));
    }
    return p;
  };
  const targets = new Map<string, PollTarget>();
  for (const meter of config.meters) {
    const bus = buses.get(meter.bus);
    if (!bus) continue;
    const link = lazyLink(meter, bus, deps, rtuClient);
    const queue = queues.get(bus.id);
    const limit = limits.get(bus.id);
    const run = queue
      ? <T>(task: () => Promise<T>, priority: 'high' | 'normal') =>
          queue.run(meter.id, task, priority)
      : <T>(task: () => Promise<T>) => (limit as ConcurrencyLimit).run(task);
    targets.set(meter.id, { meter, link, run });
  }
  return {
    targets,
    queues,
    limits,
    close: async () => {
      for (const t of targets.values()) await t.link.close().catch(() => undefined);
      for (const c of opened) await c().catch(() => undefined);
    },
  };
}

function lazyLink(
  meter: MeterConfig,
  bus: BusConfig,
  deps: TargetDeps,
  rtuClient: (bus: Extract<BusConfig, { kind: 'rtu' }>) => Promise<ModbusClient>,
): MeterLink {
  if (meter.protocol === 'dlms') return dlmsLink(meter, bus, deps);
  const map = registerMapById(meter.profile);
  let link: Promise<{ client: ModbusClient; link: ModbusLink }> | undefined;
  const get = () => {
    if (!link) {
      const client =
        bus.kind === 'rtu'
          ? rtuClient(bus)
          : connectModbusTcp(meter.host ?? '127.0.0.1', meter.port ?? 502, bus.timeoutMs);
      const made = client.then((c) => ({
        client: c,
        link: new ModbusLink(c, meter.address, map, meter.id),
      }));
      made.catch(() => {
        if (link === made) link = undefined; // reconnect on the next poll
      });
      link = made;
    }
    return link;
  };
  const drop = async (err: unknown): Promise<never> => {
    // a TCP session that timed out may deliver a late answer: start a fresh one
    const current = link;
    if (bus.kind === 'tcp' && current) {
      link = undefined;
      await current.then((l) => closeModbus(l.client)).catch(() => undefined);
    }
    throw err;
  };
  return {
    readEnergy: () =>
      get()
        .then((l) => l.link.readEnergy())
        .catch(drop),
    switchRelay: (a) =>
      get()
        .then((l) => l.link.switchRelay(a))
        .catch(drop),
    readRelay: () =>
      get()
        .then((l) => l.link.readRelay())
        .catch(drop),
    readRelayStatus: () =>
      get()
        .then((l) => l.link.readRelayStatus())
        .catch(drop),
    close: async () => {
      const current = link;
      link = undefined;
      if (bus.kind === 'tcp' && current)
        await current.then((l) => closeModbus(l.client)).catch(() => undefined);
    },
  };
}

function dlmsLink(meter: MeterConfig, bus: BusConfig, deps: TargetDeps): MeterLink {
  const d = meter.dlms;
  const hex = (h: string | undefined) => Uint8Array.from(Buffer.from(h ?? '', 'hex'));
  const keys =
    d?.authentication === 'high-gmac'
      ? {
          keys: {
            systemTitle: hex(d.systemTitle),
            blockCipherKey: hex(d.blockCipherKey),
            authenticationKey: hex(d.authenticationKey),
          },
        }
      : {};
  const common = {
    clientAddress: d?.clientAddress ?? 16,
    serverAddress: d?.serverAddress ?? 1,
    auth: d?.authentication ?? 'none',
    ...(d?.password ? { password: d.password } : {}),
    ...keys,
  } as const;
  const transport =
    bus.kind === 'tcp'
      ? { transport: 'wrapper' as const, host: meter.host ?? '127.0.0.1', port: meter.port ?? 4059 }
      : { transport: 'hdlc-serial' as const, serialPath: bus.device, baudRate: bus.baudRate };
  const store = deps.counterStore?.(meter.id);
  return new DlmsLink({ ...common, ...transport }, deps.clock, deps.random, store);
}
