import type { RegisterField, RegisterMap } from '../types.js';

function f32(name: string, quantity: RegisterField['quantity'], address: number, unit: string) {
  const scalePow10 = unit === 'kWh' ? -3 : 0;
  return { name, quantity, table: 'input', address, type: 'float32', scalePow10, unit } as const;
}

/** Eastron serial number: holding registers 0xFC00-0xFC01 (64513 in the manual), uint32. */
export const EASTRON_SERIAL: RegisterField = {
  name: 'serialNumber',
  quantity: 'serialNumber',
  table: 'holding',
  address: 0xfc00,
  type: 'uint32',
  scalePow10: 0,
  unit: '',
};

/**
 * Eastron SDM120-Modbus, single phase: IEEE 754 float32 input registers (FC04), high word
 * first. Addresses are 0-based (the manual's 30001 = address 0). Energy registers are kWh.
 */
export const SDM120: RegisterMap = {
  id: 'sdm120',
  title: 'Eastron SDM120-Modbus (single phase)',
  source: 'Eastron SDM120-Modbus protocol manual, input register table (30001..30343)',
  fields: [
    f32('voltage', 'l1VoltageV', 0x0000, 'V'),
    f32('current', 'l1CurrentA', 0x0006, 'A'),
    f32('activePower', 'powerW', 0x000c, 'W'),
    f32('apparentPower', 'apparentPowerVa', 0x0012, 'VA'),
    f32('reactivePower', 'reactivePowerVar', 0x0018, 'var'),
    f32('powerFactor', 'powerFactor', 0x001e, ''),
    f32('frequency', 'frequencyHz', 0x0046, 'Hz'),
    f32('importActiveEnergy', 'importWh', 0x0048, 'kWh'),
    f32('exportActiveEnergy', 'exportWh', 0x004a, 'kWh'),
    f32('totalSystemPowerDemand', 'demandW', 0x0054, 'W'),
    f32('maximumTotalSystemPowerDemand', 'maxDemandW', 0x0056, 'W'),
    f32('totalActiveEnergy', 'totalWh', 0x0156, 'kWh'),
    EASTRON_SERIAL,
  ],
  bits: [],
};

export { f32 as sdmFloat32Field };
