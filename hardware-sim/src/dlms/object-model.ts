import {
  type DataResult,
  type DlmsValue,
  cosemClass,
  encodeCosemDateTime,
  formatObis,
  parseObis,
  utcMsToCosemDateTime,
} from '@gridbill/shared/dlms';
import { ACCESS, type ObjectAccess, type Role } from './access-rights.js';
import type { MeterBackend, RegisterInfo } from './meter-backend.js';
import { readProfileBuffer } from './profile-buffer.js';
import { registerValue } from './profile-values.js';

/**
 * The virtual meter's COSEM object list, built from a backend. Each object answers GET/SET/
 * ACTION with values in the A-XDR model; access is checked by the session, not here.
 *
 * Example: GET 8:0.0.1.0.0.255:2 → `{ data: { type: 'octet-string', value: <12-byte
 * date-time of backend.clockMs()> } }`.
 */
export interface CosemObject {
  classId: number;
  version: number;
  obis: string;
  access: ObjectAccess;
  attributeCount: number;
  get(
    attributeId: number,
    access?: { selector: number; parameters: DlmsValue },
    role?: Role,
  ): DataResult;
  set?(attributeId: number, value: DlmsValue): number;
  action?(methodId: number, parameters: DlmsValue | undefined): DataResult | number;
}

export const OBIS = {
  association: '0.0.40.0.0.255',
  logicalDeviceName: '0.0.42.0.0.255',
  serial: '0.0.96.1.0.255',
  clock: '0.0.1.0.0.255',
  invocationCounter: '0.0.43.1.0.255',
  securitySetup: '0.0.43.0.0.255',
  relay: '0.0.96.3.10.255',
  eventLog: '0.0.99.98.0.255',
} as const;

const os = (value: Uint8Array): DlmsValue => ({ type: 'octet-string', value });
const u32 = (value: number): DlmsValue => ({ type: 'double-long-unsigned', value });
const NO_ATTR: DataResult = { error: 4 };
const TYPE_UNMATCHED = 12;

export function scalerUnit(scaler: number, unit: number): DlmsValue {
  return {
    type: 'structure',
    items: [
      { type: 'integer', value: scaler },
      { type: 'enum', value: unit },
    ],
  };
}

export function buildObjectModel(
  backend: MeterBackend,
  security: { clientSystemTitle: () => Uint8Array; serverSystemTitle: Uint8Array },
  lowestClientIc: () => number,
): CosemObject[] {
  const objects: CosemObject[] = [
    dataObject(OBIS.logicalDeviceName, () =>
      os(new TextEncoder().encode(`GRB${backend.serial()}`)),
    ),
    dataObject(OBIS.serial, () => ({ type: 'visible-string', value: backend.serial() })),
    dataObject(OBIS.invocationCounter, () => u32(lowestClientIc())),
    clockObject(backend),
    securitySetupObject(security),
    relayObject(backend),
    ...backend.registers().map((r) => registerObject(backend, r)),
  ];
  const profile = backend.profile();
  if (profile) objects.push(profileObject(backend, profile.obis));
  objects.push(eventLogObject(backend));
  objects.push(associationObject(objects));
  return objects;
}

function dataObject(obis: string, value: () => DlmsValue): CosemObject {
  return {
    classId: 1,
    version: 0,
    obis,
    access: ACCESS.publicRead,
    attributeCount: 2,
    get: (attr) => (attr === 1 ? ln(obis) : attr === 2 ? { data: value() } : NO_ATTR),
  };
}

function ln(obis: string): DataResult {
  return { data: os(parseObis(obis)) };
}

function clockObject(backend: MeterBackend): CosemObject {
  const deviation = () => backend.clockDeviationMinutes?.() ?? 0;
  return {
    classId: 8,
    version: 0,
    obis: OBIS.clock,
    access: ACCESS.publicRead,
    attributeCount: 9,
    get: (attr) => {
      if (attr === 1) return ln(OBIS.clock);
      if (attr === 2) return { data: os(clockBytes(backend)) };
      if (attr === 3) return { data: { type: 'long', value: deviation() } };
      if (attr === 4) return { data: { type: 'unsigned', value: 0 } };
      if (attr === 9) return { data: { type: 'enum', value: 1 } };
      return NO_ATTR;
    },
    set: (attr, value) => {
      if (attr !== 2 || value.type !== 'octet-string' || value.value.length !== 12) {
        return attr === 2 ? TYPE_UNMATCHED : 3;
      }
      if (!backend.setClockMs) return 3;
      backend.setClockMs(decodeClock(value.value));
      return 0;
    },
  };
}

function clockBytes(backend: MeterBackend): Uint8Array {
  const dev = backend.clockDeviationMinutes ? backend.clockDeviationMinutes() : 0;
  const dt = utcMsToCosemDateTime(backend.clockMs(), dev ?? 0);
  return encodeCosemDateTime(dev === undefined ? { ...dt, deviationMinutes: null } : dt);
}

function decodeClock(bytes: Uint8Array): number {
  const year = (bytes[0]! << 8) | bytes[1]!;
  const raw = (bytes[9]! << 8) | bytes[10]!;
  const dev = raw === 0x8000 ? 0 : raw >= 0x8000 ? raw - 0x10000 : raw;
  const local = Date.UTC(year, bytes[2]! - 1, bytes[3]!, bytes[5]!, bytes[6]!, bytes[7]!);
  return local + dev * 60_000;
}

function securitySetupObject(security: {
  clientSystemTitle: () => Uint8Array;
  serverSystemTitle: Uint8Array;
}): CosemObject {
  return {
    classId: 64,
    version: 0,
    obis: OBIS.securitySetup,
    access: ACCESS.readerRead,
    attributeCount: 5,
    get: (attr) => {
      if (attr === 1) return ln(OBIS.securitySetup);
      if (attr === 2) return { data: { type: 'enum', value: 3 } };
      if (attr === 3) return { data: { type: 'enum', value: 0 } };
      if (attr === 4) return { data: os(security.clientSystemTitle()) };
      if (attr === 5) return { data: os(security.serverSystemTitle) };
      return NO_ATTR;
    },
  };
}

function relayObject(backend: MeterBackend): CosemObject {
  return {
    classId: 70,
    version: 0,
    obis: OBIS.relay,
    access: ACCESS.relay,
    attributeCount: 4,
    get: (attr) => {
      const s = backend.relayState();
      if (attr === 1) return ln(OBIS.relay);
      if (attr === 2) return { data: { type: 'boolean', value: s.outputState } };
      if (attr === 3) return { data: { type: 'enum', value: s.controlState } };
      if (attr === 4) return { data: { type: 'enum', value: s.controlMode } };
      return NO_ATTR;
    },
    action: (method) => {
      if (method === 1) backend.disconnect();
      else if (method === 2) backend.reconnect();
      else return 4;
      return 0;
    },
  };
}

function registerObject(backend: MeterBackend, info: RegisterInfo): CosemObject {
  return {
    classId: 3,
    version: 0,
    obis: info.obis,
    access: ACCESS.readerRead,
    attributeCount: 3,
    get: (attr) => {
      if (attr === 1) return ln(info.obis);
      const reading = backend.readRegister(info.obis);
      if (!reading) return { error: 11 };
      if (attr === 2) return { data: registerValue(reading.value) };
      if (attr === 3) return { data: scalerUnit(reading.scaler, reading.unit) };
      return NO_ATTR;
    },
  };
}

function profileObject(backend: MeterBackend, obis: string): CosemObject {
  return {
    classId: 7,
    version: 1,
    obis,
    access: ACCESS.readerRead,
    attributeCount: 8,
    get: (attr, access) => {
      const profile = backend.profile();
      if (!profile) return { error: 11 };
      if (attr === 1) return ln(obis);
      if (attr === 2) return readProfileBuffer(backend, profile, access);
      if (attr === 3) return { data: captureObjects(profile.channels) };
      if (attr === 4) return { data: u32(profile.intervalSeconds) };
      if (attr === 5) return { data: { type: 'enum', value: 1 } };
      if (attr === 7) return { data: u32(backend.profileRows(0, backend.clockMs()).length) };
      if (attr === 8) return { data: u32(0xffff) };
      return NO_ATTR;
    },
  };
}

function eventLogObject(backend: MeterBackend): CosemObject {
  return {
    classId: 7,
    version: 1,
    obis: OBIS.eventLog,
    access: ACCESS.readerRead,
    attributeCount: 8,
    get: (attr) => {
      if (attr === 1) return ln(OBIS.eventLog);
      if (attr !== 2) return NO_ATTR;
      const rows = backend.eventRows(0, backend.clockMs()).map((e) => ({
        type: 'structure' as const,
        items: [os(encodeCosemDateTime(utcMsToCosemDateTime(e.timestampMs))), u16(e.code)],
      }));
      return { data: { type: 'array', items: rows } };
    },
  };
}

function u16(value: number): DlmsValue {
  return { type: 'long-unsigned', value };
}

/** capture_objects: clock attr 2 then each channel's register attr 2. */
export function captureObjects(channels: readonly RegisterInfo[]): DlmsValue {
  const def = (classId: number, obis: string): DlmsValue => ({
    type: 'structure',
    items: [u16(classId), os(parseObis(obis)), { type: 'integer', value: 2 }, u16(0)],
  });
  return {
    type: 'array',
    items: [def(8, OBIS.clock), ...channels.map((c) => def(3, c.obis))],
  };
}

function associationObject(objects: CosemObject[]): CosemObject {
  const self: CosemObject = {
    classId: 15,
    version: 1,
    obis: OBIS.association,
    access: ACCESS.association,
    attributeCount: 9,
    get: (attr, _access, role) => {
      if (attr === 1) return ln(OBIS.association);
      if (attr === 2) return { data: objectList([...objects, self], role ?? 'public') };
      return NO_ATTR;
    },
  };
  return self;
}

/**
 * object_list: array of structure{class_id, version, logical_name, access_rights}, with the
 * access rights of the asking association (attribute access_mode 0 none / 1 read / 2 write /
 * 3 read-write; method access_mode 0 none / 1 access).
 */
function objectList(objects: readonly CosemObject[], role: Role): DlmsValue {
  return {
    type: 'array',
    items: objects.map((o) => ({
      type: 'structure',
      items: [
        u16(o.classId),
        { type: 'unsigned', value: o.version },
        os(parseObis(o.obis)),
        accessRights(o, role),
      ],
    })),
  };
}

function accessRights(o: CosemObject, role: Role): DlmsValue {
  const cls = cosemClass(o.classId);
  const read = o.access.read.includes(role);
  const write = o.access.write.includes(role) && o.set !== undefined;
  const attributes = (cls?.attributes ?? []).map((a): DlmsValue => {
    const mode = (read ? 1 : 0) | (write && a.access === 'rw' ? 2 : 0);
    const item: DlmsValue[] = [
      { type: 'integer', value: a.id },
      { type: 'enum', value: mode },
      { type: 'null-data' },
    ];
    return { type: 'structure', items: item };
  });
  const act = o.access.action.includes(role) && o.action !== undefined;
  const methods = (cls?.methods ?? []).map(
    (m): DlmsValue => ({
      type: 'structure',
      items: [
        { type: 'integer', value: m.id },
        { type: 'enum', value: act ? 1 : 0 },
      ],
    }),
  );
  return {
    type: 'structure',
    items: [
      { type: 'array', items: attributes },
      { type: 'array', items: methods },
    ],
  };
}

export function findObject(
  objects: readonly CosemObject[],
  classId: number,
  obis: Uint8Array,
): CosemObject | undefined {
  const name = formatObis(obis);
  return objects.find((o) => o.obis === name && o.classId === classId);
}
