import { DEMO_DLMS_KEYS } from './demo-keys.js';
import { demoTariffs, type TariffDoc } from './demo-tariffs.js';

export interface DemoPorts {
  central: number;
  simControl: number;
  edgeHttp: number;
  modbusTcp: number;
  dlmsWrapper: number;
  /** central's embedded MQTT broker */
  mqtt: number;
}

export interface DemoPlanInput {
  meterCount: number;
  startMs: number;
  ports: DemoPorts;
  dataDir: string;
  /**
   * Serial buses on socat PTY pairs (Modbus RTU at 9,600 baud, DLMS HDLC at 115,200 baud);
   * without socat those meters move to Modbus TCP and the DLMS wrapper.
   */
  withRtu: boolean;
}

type Mode = 'prepaid' | 'postpaid' | 'hybrid';
type Transport = 'modbus-tcp' | 'modbus-rtu' | 'dlms-wrapper' | 'dlms-hdlc';

export interface DemoMeter {
  id: string;
  serial: string;
  accountNumber: string;
  customerName: string;
  mode: Mode;
  tariffId: string;
  transport: Transport;
  /** Modbus unit id or DLMS server address, unique per port/bus. */
  address: number;
  openingBalanceMinor: number;
  peakW: number;
}

export interface DemoPlan {
  meters: DemoMeter[];
  tariffs: TariffDoc[];
  fleet: Record<string, unknown>;
  edgeConfig: Record<string, unknown>;
  rtuLink: string;
  hdlcLink: string;
}

const GATEWAY_ID = 'gw-demo';
const SITE_TZ = 'Asia/Shanghai';
const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou'];
const GIVEN = ['Wei', 'Fang', 'Min', 'Jing', 'Lei', 'Yan', 'Hui', 'Jun', 'Tao', 'Ling', 'Qiang'];

/**
 * Everything the live demo runs, derived from a few inputs so the three processes agree:
 * `buildDemoPlan({ meterCount: 200, ... }).meters[0]` →
 * `{ id: 'm-0001', serial: 'GB260001', accountNumber: 'A-0001', mode: 'prepaid',
 *    transport: 'modbus-tcp', address: 1, openingBalanceMinor: 120, ... }`
 * (the first five prepaid accounts start near zero so credit control shows within minutes).
 */
export function buildDemoPlan(input: DemoPlanInput): DemoPlan {
  const meters = Array.from({ length: input.meterCount }, (_, i) => demoMeter(i, input));
  const tariffs = demoTariffs(input.startMs);
  const links = { rtu: `${input.dataDir}/rs485-modbus`, hdlc: `${input.dataDir}/rs485-dlms` };
  return {
    meters,
    tariffs,
    fleet: fleetFile(meters, input, links),
    edgeConfig: edgeConfig(meters, input, links),
    rtuLink: links.rtu,
    hdlcLink: links.hdlc,
  };
}

function transportFor(i: number, withRtu: boolean): Transport {
  const slot = i % 20; // per 20 meters: 9 Modbus TCP, 3 Modbus RTU, 6 DLMS wrapper, 2 HDLC
  if (slot < 9) return 'modbus-tcp';
  if (slot < 12) return withRtu ? 'modbus-rtu' : 'modbus-tcp';
  return slot < 18 || !withRtu ? 'dlms-wrapper' : 'dlms-hdlc';
}

function modeFor(i: number): Mode {
  const slot = i % 10;
  if (slot < 6) return 'prepaid';
  return slot < 8 ? 'postpaid' : 'hybrid';
}

function demoMeter(i: number, input: DemoPlanInput): DemoMeter {
  const n = String(i + 1).padStart(4, '0');
  const mode = modeFor(i);
  const transport = transportFor(i, input.withRtu);
  const nearZero = mode === 'prepaid' && i < 10;
  return {
    id: `m-${n}`,
    serial: `GB26${n}`,
    accountNumber: `A-${n}`,
    customerName: `${SURNAMES[i % SURNAMES.length]} ${GIVEN[(i * 7) % GIVEN.length]}`,
    mode,
    tariffId: ['cn-zj-residential-tou', 'demo-tou', 'demo-dynamic'][i % 3]!,
    transport,
    address: 0, // numbered per transport below
    openingBalanceMinor: nearZero ? 120 + i * 10 : 5_000 + (i % 7) * 1_000,
    peakW: 1_500 + ((i * 37) % 20) * 250,
  };
}

/** Numbers meters 1..n within each transport (unit ids / server addresses). */
function withAddresses(meters: DemoMeter[]): DemoMeter[] {
  const next = new Map<Transport, number>();
  for (const m of meters) {
    const a = (next.get(m.transport) ?? 0) + 1;
    next.set(m.transport, a);
    m.address = m.transport.startsWith('dlms') ? 0x10 + a : a;
  }
  return meters;
}

function fleetFile(meters: DemoMeter[], input: DemoPlanInput, links: Links) {
  withAddresses(meters);
  return {
    seed: 2026,
    startTime: new Date(input.startMs).toISOString(),
    timeZone: SITE_TZ,
    profileDays: 14,
    meters: meters.map((m) => ({ ...fleetTransport(m, input.ports, links), ...fleetCommon(m) })),
  };
}

function fleetCommon(m: DemoMeter) {
  return {
    id: m.id,
    serial: m.serial,
    load: { shape: m.id.endsWith('7') ? 'solar-prosumer' : 'residential', peakW: m.peakW },
    registers: { importWh: 1_000_000 + m.address * 12_345 },
  };
}

interface Links {
  rtu: string;
  hdlc: string;
}

function fleetTransport(m: DemoMeter, ports: DemoPorts, links: Links) {
  const map = 'gridbill-prepaid';
  switch (m.transport) {
    case 'modbus-tcp':
      return { protocol: 'modbus', transport: 'tcp', map, port: ports.modbusTcp,
        unitId: m.address };
    case 'modbus-rtu':
      return { protocol: 'modbus', transport: 'rtu', map, ptyLink: links.rtu, unitId: m.address };
    case 'dlms-wrapper':
      return { protocol: 'dlms', transport: 'wrapper', port: ports.dlmsWrapper,
        serverAddress: m.address };
    case 'dlms-hdlc':
      return { protocol: 'dlms', transport: 'hdlc-serial', ptyLink: links.hdlc, baudRate: 115_200,
        serverAddress: m.address };
  }
}

function edgeConfig(meters: DemoMeter[], input: DemoPlanInput, links: Links) {
  return {
    gatewayId: GATEWAY_ID,
    siteTimeZone: SITE_TZ,
    currency: 'CNY',
    dataDir: `${input.dataDir}/edge`,
    clockTrust: 'always',
    buses: [
      { id: 'tcp', kind: 'tcp', maxConcurrent: 32, timeoutMs: 3_000 },
      ...(input.withRtu
        ? [
            { id: 'rs485-modbus', kind: 'rtu', device: links.rtu, baudRate: 9_600, parity: 'none' },
            { id: 'rs485-dlms', kind: 'rtu', device: links.hdlc, baudRate: 115_200,
              parity: 'none' },
          ]
        : []),
    ],
    meters: meters.map((m) => edgeMeter(m, input.ports)),
    accounts: meters.map((m) => ({
      id: m.accountNumber,
      mode: m.mode,
      ...(m.mode === 'hybrid' ? { activeMode: 'prepaid' } : {}),
      tariffId: m.tariffId,
      openingBalanceMinor: m.openingBalanceMinor,
    })),
    tariffFiles: ['cn-zj-residential-tou', 'demo-tou', 'demo-dynamic'].map(
      (id) => `${input.dataDir}/tariffs/${id}.json`,
    ),
    relayPolicy: {
      warnMinor: 300,
      criticalMinor: 100,
      disconnectMinor: 0,
      reconnectMinor: 100,
      graceSeconds: 600,
      protectedWindows: { nightStartMinute: 1_320, nightEndMinute: 360, weekends: false },
    },
    http: { host: '127.0.0.1', port: input.ports.edgeHttp },
  };
}

function edgeMeter(m: DemoMeter, ports: DemoPorts) {
  const common = { id: m.id, accountId: m.accountNumber, intervalSeconds: 900 };
  switch (m.transport) {
    case 'modbus-tcp':
      return { ...common, protocol: 'modbus', bus: 'tcp', profile: 'gridbill-prepaid',
        host: '127.0.0.1', port: ports.modbusTcp, address: m.address };
    case 'modbus-rtu':
      return { ...common, protocol: 'modbus', bus: 'rs485-modbus', profile: 'gridbill-prepaid',
        address: m.address };
    case 'dlms-wrapper':
      return { ...common, protocol: 'dlms', bus: 'tcp', profile: 'dlms', host: '127.0.0.1',
        port: ports.dlmsWrapper, dlms: dlmsCredentials(m) };
    case 'dlms-hdlc':
      return { ...common, protocol: 'dlms', bus: 'rs485-dlms', profile: 'dlms',
        address: m.address, dlms: dlmsCredentials(m) };
  }
}

/** The management association (HLS-GMAC, client 1): it may switch the relay. */
function dlmsCredentials(m: DemoMeter) {
  return { clientAddress: 1, serverAddress: m.address, authentication: 'high-gmac',
    ...DEMO_DLMS_KEYS };
}
