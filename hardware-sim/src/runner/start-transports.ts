import { randomBytes } from 'node:crypto';
import type { Clock } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import type { SimMetrics } from '../control/metrics.js';
import { startDlmsServer } from '../dlms/index.js';
import { startDlmsFaultProxy } from '../dlms-proxy/dlms-fault-proxy.js';
import { createDlmsBackend } from '../meter/dlms-backend.js';
import { freePort } from '../modbus/free-port.js';
import { startModbusRtu } from '../modbus/modbus-rtu.js';
import { startModbusTcp } from '../modbus/modbus-tcp.js';
import { createModbusVector } from '../modbus/modbus-vector.js';
import { createPtyPair } from '../modbus/pty-pair.js';
import type { SimMeter, Simulator } from '../sim/simulator.js';
import { groupBy } from './group-by.js';

/** One listening endpoint (TCP port or serial bus) and the meters behind it. */
export interface Endpoint {
  protocol: 'modbus' | 'dlms';
  transport: string;
  port?: number;
  device?: string;
  meterCount: number;
}

interface Context {
  sim: Simulator;
  timers: Clock;
  metrics: SimMetrics;
  logger: Logger;
  host: string;
  closers: (() => Promise<void>)[];
  endpoints: Endpoint[];
}

/** Starts every Modbus TCP port, RTU bus and DLMS server the fleet needs. */
export async function startTransports(ctx: Context): Promise<void> {
  const meters = ctx.sim.list();
  const modbus = meters.filter((m) => m.config.protocol === 'modbus');
  const dlms = meters.filter((m) => m.config.protocol === 'dlms');
  const tcp = groupBy(
    modbus.filter((m) => m.config.transport === 'tcp'),
    (m) => m.config.port!,
  );
  for (const [port, group] of tcp) await startTcpPort(ctx, port, group);
  const rtu = groupBy(
    modbus.filter((m) => m.config.transport === 'rtu'),
    busKey,
  );
  for (const group of rtu.values()) await startRtuBus(ctx, group);
  const dlmsGroups = groupBy(dlms, (m) => `${m.config.transport} ${busKey(m) ?? m.config.port}`);
  for (const group of dlmsGroups.values()) await startDlms(ctx, group);
}

function busKey(m: SimMeter): string | undefined {
  return m.config.ptyLink ?? m.config.device;
}

function vectorFor(ctx: Context, group: SimMeter[], transport: 'tcp' | 'rtu') {
  const byUnit = new Map(group.map((m) => [m.config.unitId!, m]));
  const corrupt = (unitId: number) =>
    byUnit.get(unitId)?.model.activeFault('corrupt-frames', ctx.sim.now()) !== undefined;
  const vector = createModbusVector({
    lookup: (unitId) => byUnit.get(unitId),
    now: () => ctx.sim.now(),
    timers: ctx.timers,
    transport,
    onRequest: (outcome) => ctx.metrics.modbusRequests.inc({ outcome }),
  });
  return { vector, corrupt };
}

async function startTcpPort(ctx: Context, requested: number, group: SimMeter[]) {
  const port = requested === 0 ? await freePort() : requested;
  const server = await startModbusTcp({ port, host: ctx.host, ...vectorFor(ctx, group, 'tcp') });
  for (const m of group) m.config.port = port;
  ctx.closers.push(server.close);
  ctx.endpoints.push({ protocol: 'modbus', transport: 'tcp', port, meterCount: group.length });
  ctx.logger.info({ port, meters: group.length }, 'modbus tcp listening');
}

async function openBus(ctx: Context, m: SimMeter): Promise<string> {
  if (!m.config.ptyLink) return m.config.device!;
  const pair = await createPtyPair(m.config.ptyLink, ctx.timers);
  ctx.closers.push(pair.close);
  return pair.simPath;
}

async function startRtuBus(ctx: Context, group: SimMeter[]) {
  const first = group[0]!;
  const path = await openBus(ctx, first);
  const bus = await startModbusRtu({
    path,
    baudRate: first.config.baudRate,
    ...vectorFor(ctx, group, 'rtu'),
  });
  ctx.closers.push(bus.close);
  const device = busKey(first);
  ctx.endpoints.push({ protocol: 'modbus', transport: 'rtu', device, meterCount: group.length });
  ctx.logger.info({ device, meters: group.length }, 'modbus rtu bus open');
}

async function startDlms(ctx: Context, group: SimMeter[]) {
  const first = group[0]!;
  const byAddress = new Map(group.map((m) => [m.config.serverAddress, m]));
  const backends = new Map(
    group.map((m) => [m.config.serverAddress, createDlmsBackend(m.model, () => ctx.sim.now())]),
  );
  const transport = first.config.transport as 'wrapper' | 'hdlc' | 'hdlc-serial';
  const serial = transport === 'hdlc-serial';
  const handle = await startDlmsServer({
    backend: (address) => backends.get(address),
    transport,
    port: 0,
    host: ctx.host,
    serialPath: serial ? await openBus(ctx, first) : undefined,
    baudRate: first.config.baudRate,
    random: (n) => new Uint8Array(randomBytes(n)),
    logger: ctx.logger,
  });
  ctx.closers.push(handle.close);
  if (serial) {
    ctx.endpoints.push({
      protocol: 'dlms',
      transport,
      device: busKey(first),
      meterCount: group.length,
    });
    return;
  }
  // Clients reach the server through a fault proxy on the fleet's port.
  const port = first.config.port ? first.config.port : await freePort();
  const proxy = await startDlmsFaultProxy({
    transport,
    host: ctx.host,
    port,
    upstreamPort: handle.port,
    meterFor: (address) => byAddress.get(address),
    now: () => ctx.sim.now(),
    timers: ctx.timers,
  });
  ctx.closers.push(proxy.close);
  for (const m of group) m.config.port = port;
  ctx.endpoints.push({ protocol: 'dlms', transport, port, meterCount: group.length });
  ctx.logger.info({ transport, port, meters: group.length }, 'dlms meters listening');
}
