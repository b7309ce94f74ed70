import type { RegisterMap } from '../types.js';
import { EASTRON_SERIAL, sdmFloat32Field as f32 } from './eastron-sdm120.js';

/**
 * Eastron SDM630-Modbus, three phase: float32 input registers (FC04), high word first,
 * 0-based addresses (manual's 30001 = 0). Energy registers are kWh.
 */
export const SDM630: RegisterMap = {
  id: 'sdm630',
  title: 'Eastron SDM630-Modbus (three phase)',
  source: 'Eastron SDM630-Modbus protocol manual, input register table (30001..30343)',
  fields: [
    f32('phase1Voltage', 'l1VoltageV', 0x0000, 'V'),
    f32('phase2Voltage', 'l2VoltageV', 0x0002, 'V'),
    f32('phase3Voltage', 'l3VoltageV', 0x0004, 'V'),
    f32('phase1Current', 'l1CurrentA', 0x0006, 'A'),
    f32('phase2Current', 'l2CurrentA', 0x0008, 'A'),
    f32('phase3Current', 'l3CurrentA', 0x000a, 'A'),
    f32('phase1Power', 'l1PowerW', 0x000c, 'W'),
    f32('phase2Power', 'l2PowerW', 0x000e, 'W'),
    f32('phase3Power', 'l3PowerW', 0x0010, 'W'),
    f32('totalSystemPower', 'powerW', 0x0034, 'W'),
    f32('totalSystemVoltAmps', 'apparentPowerVa', 0x0038, 'VA'),
    f32('totalSystemVar', 'reactivePowerVar', 0x003c, 'var'),
    f32('totalSystemPowerFactor', 'powerFactor', 0x003e, ''),
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
