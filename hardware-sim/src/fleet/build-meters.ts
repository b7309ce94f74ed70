import { hashString, mix32 } from '../meter/hash-noise.js';
import type { LoadSetting } from '../meter/load-shapes.js';
import { type MeterSpec, meterSpec } from '../meter/meter-spec.js';
import { relayStateByName } from '../meter/relay-table.js';
import { DEFAULT_TOU } from '../meter/tou.js';
import type { FleetFile, FleetMeter } from './fleet-schema.js';

/** One meter of a running fleet: its model spec plus where it answers. */
export interface SimMeterConfig {
  spec: MeterSpec;
  protocol: 'modbus' | 'dlms';
  transport: FleetMeter['transport'];
  port?: number;
  unitId?: number;
  serverAddress: number;
  device?: string;
  ptyLink?: string;
  baudRate: number;
  map?: 'sdm120' | 'sdm630' | 'gridbill-prepaid';
}

/** Turns a validated fleet file into meter specs; seeds derive from the fleet seed and ids. */
export function buildMeters(fleet: FleetFile): SimMeterConfig[] {
  const fleetSeed = hashString(String(fleet.seed));
  return fleet.meters.map((m) => {
    const map = m.protocol === 'modbus' ? (m.map ?? 'gridbill-prepaid') : undefined;
    const importWh = m.registers?.importWh ?? 0;
    const spec = meterSpec({
      id: m.id,
      serial: m.serial ?? `SIM-${m.id}`,
      seed: mix32(fleetSeed, hashString(m.id)),
      timeZone: m.timeZone ?? fleet.timeZone,
      phaseCount: map === 'sdm630' ? 3 : (m.phases ?? 1),
      load: loadSetting(m.load),
      tou: m.tou ?? DEFAULT_TOU,
      registerDigits: m.registerDigits,
      start: {
        importWh,
        exportWh: m.registers?.exportWh ?? 0,
        importRateWh: m.registers?.importRateWh ?? [importWh, 0, 0, 0],
      },
      clockDriftPpm: m.clockDriftPpm,
      profileCapacity: fleet.profileDays * 96,
      relay: {
        controlMode: m.relay.controlMode,
        controlState: relayStateByName(m.relay.state)!,
      },
    });
    return {
      spec,
      protocol: m.protocol,
      transport: m.transport,
      port: m.port,
      unitId: m.unitId,
      serverAddress: m.serverAddress ?? 1,
      device: m.device,
      ptyLink: m.ptyLink,
      baudRate: m.baudRate ?? 9600,
      map,
    };
  });
}

/** `{ kW: 1.5 }` → `{ constantW: 1500 }`; shapes pass through. */
export function loadSetting(load: FleetMeter['load']): LoadSetting {
  return 'kW' in load ? { constantW: Math.round(load.kW * 1000) } : load;
}
