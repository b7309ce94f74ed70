import { offsetMinutesAt } from '@gridbill/shared/time';
import type {
  EventRow,
  MeterBackend,
  ProfileInfo,
  ProfileRow,
  RegisterInfo,
  RegisterReading,
  RelayState,
} from '../dlms/index.js';
import type { VirtualMeter } from './virtual-meter.js';

const UNIT = { wh: 30, w: 27, v: 35, a: 33, none: 255 } as const;

interface RegisterSource extends RegisterInfo {
  read(meter: VirtualMeter, nowMs: number): number;
}

const rate = (i: number) => (m: VirtualMeter, t: number) => m.registers(t).importRateWh[i]!;

/** OBIS register table served over DLMS (class 3), as data. */
const REGISTERS: readonly RegisterSource[] = [
  { obis: '1.0.1.8.0.255', scaler: 0, unit: UNIT.wh, read: (m, t) => m.registers(t).importWh },
  { obis: '1.0.2.8.0.255', scaler: 0, unit: UNIT.wh, read: (m, t) => m.registers(t).exportWh },
  { obis: '1.0.1.8.1.255', scaler: 0, unit: UNIT.wh, read: rate(0) },
  { obis: '1.0.1.8.2.255', scaler: 0, unit: UNIT.wh, read: rate(1) },
  { obis: '1.0.1.8.3.255', scaler: 0, unit: UNIT.wh, read: rate(2) },
  { obis: '1.0.1.8.4.255', scaler: 0, unit: UNIT.wh, read: rate(3) },
  { obis: '1.0.16.7.0.255', scaler: 0, unit: UNIT.w, read: (m, t) => m.instantaneous(t).powerW },
  { obis: '1.0.1.6.0.255', scaler: 0, unit: UNIT.w, read: (m, t) => m.demandW(t).maxW },
  {
    obis: '1.0.32.7.0.255',
    scaler: -1,
    unit: UNIT.v,
    read: (m, t) => Math.round(m.instantaneous(t).phases[0]!.voltageV * 10),
  },
  {
    obis: '1.0.31.7.0.255',
    scaler: -3,
    unit: UNIT.a,
    read: (m, t) => Math.round(m.instantaneous(t).phases[0]!.currentA * 1000),
  },
];

/** Load profile 1.0.99.1.0.255: clock, status, +A, −A every 15 minutes. */
const PROFILE: ProfileInfo = {
  obis: '1.0.99.1.0.255',
  intervalSeconds: 900,
  channels: [
    { obis: '0.0.96.10.1.255', scaler: 0, unit: UNIT.none },
    { obis: '1.0.1.8.0.255', scaler: 0, unit: UNIT.wh },
    { obis: '1.0.2.8.0.255', scaler: 0, unit: UNIT.wh },
  ],
};

/**
 * The DLMS server's view of one virtual meter. Times in the profile and event log are the
 * meter's own clock (drift and jumps included); `now()` is simulated time.
 *
 * @example createDlmsBackend(meter, () => sim.now()).readRegister('1.0.1.8.0.255')
 *   // { value: 1234567n, scaler: 0, unit: 30 }
 */
export function createDlmsBackend(meter: VirtualMeter, now: () => number): MeterBackend {
  const relay = (): RelayState => {
    const r = meter.relayView(now());
    return { outputState: r.outputState, controlState: r.controlState, controlMode: r.controlMode };
  };
  return {
    serial: () => meter.serial,
    clockMs: () => meter.meterClockMs(now()),
    clockDeviationMinutes: () => {
      const offset = offsetMinutesAt(meter.meterClockMs(now()), meter.spec.timeZone);
      return offset === 0 ? 0 : -offset;
    },
    setClockMs: (wallMs) => meter.setMeterClockMs(now(), wallMs),
    registers: () => REGISTERS,
    readRegister: (obis): RegisterReading | undefined => {
      const source = REGISTERS.find((r) => r.obis === obis);
      if (!source) return undefined;
      const value = BigInt(source.read(meter, now()));
      return { value, scaler: source.scaler, unit: source.unit };
    },
    profile: () => PROFILE,
    profileRows: (fromMs, toMs): ProfileRow[] => {
      meter.advanceTo(now());
      return meter
        .profileRows()
        .filter((r) => r.meterClockMs >= fromMs && r.meterClockMs <= toMs)
        .map((r) => ({
          timestampMs: r.meterClockMs,
          values: [BigInt(r.status), BigInt(r.importWh), BigInt(r.exportWh)],
        }));
    },
    eventRows: (fromMs, toMs): EventRow[] => {
      meter.advanceTo(now());
      return meter
        .eventRows()
        .filter((e) => e.meterClockMs >= fromMs && e.meterClockMs <= toMs)
        .map((e) => ({ timestampMs: e.meterClockMs, code: e.code }));
    },
    relayState: relay,
    disconnect: () => {
      meter.operateRelay(now(), 'remote_disconnect');
      return relay();
    },
    reconnect: () => {
      meter.operateRelay(now(), 'remote_reconnect');
      return relay();
    },
  };
}
