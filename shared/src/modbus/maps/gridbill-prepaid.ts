import type { RegisterField, RegisterMap } from '../types.js';

type Type = RegisterField['type'];

function input(
  name: string,
  quantity: RegisterField['quantity'],
  address: number,
  type: Type,
  scalePow10: number,
  unit: string,
): RegisterField {
  return { name, quantity, table: 'input', address, type, scalePow10, unit };
}

/**
 * Gridbill prepaid meter: integer registers only (no float rounding on energy).
 * Input registers (FC04): energy in Wh as uint32; relay control state 0 disconnected,
 * 1 connected, 2 ready_for_reconnection (COSEM class 70). Coil 0 (FC01/FC05) is the relay:
 * write 1 = remote_reconnect, 0 = remote_disconnect; discrete input 0 is the relay output
 * state. Holding register 0 (FC03/FC06) is the COSEM control mode 0..6; input 26 is the
 * serial number (uint32; a new value means the meter was replaced).
 */
export const GRIDBILL_PREPAID: RegisterMap = {
  id: 'gridbill-prepaid',
  title: 'Gridbill prepaid meter',
  source: 'Gridbill (this repository)',
  fields: [
    input('importActiveEnergy', 'importWh', 0, 'uint32', 0, 'Wh'),
    input('exportActiveEnergy', 'exportWh', 2, 'uint32', 0, 'Wh'),
    input('importRate1', 'importRate1Wh', 4, 'uint32', 0, 'Wh'),
    input('importRate2', 'importRate2Wh', 6, 'uint32', 0, 'Wh'),
    input('importRate3', 'importRate3Wh', 8, 'uint32', 0, 'Wh'),
    input('importRate4', 'importRate4Wh', 10, 'uint32', 0, 'Wh'),
    input('activePower', 'powerW', 12, 'int32', 0, 'W'),
    input('voltage', 'l1VoltageV', 14, 'uint16', 1, 'dV'),
    input('current', 'l1CurrentA', 15, 'uint32', 3, 'mA'),
    input('powerFactor', 'powerFactor', 17, 'int16', 3, '1/1000'),
    input('frequency', 'frequencyHz', 18, 'uint16', 2, 'cHz'),
    input('relayControlState', 'relayControlState', 19, 'uint16', 0, 'enum'),
    input('demand', 'demandW', 20, 'int32', 0, 'W'),
    input('maximumDemand', 'maxDemandW', 22, 'int32', 0, 'W'),
    input('meterClock', 'meterClockS', 24, 'uint32', 0, 's since 1970 UTC'),
    input('serialNumber', 'serialNumber', 26, 'uint32', 0, ''),
    {
      name: 'relayControlMode',
      quantity: 'relayControlMode',
      table: 'holding',
      address: 0,
      type: 'uint16',
      scalePow10: 0,
      unit: 'enum',
      writable: true,
    },
  ],
  bits: [
    { name: 'relay', bit: 'relayClosed', table: 'coil', address: 0, writable: true },
    { name: 'relayOutputState', bit: 'relayClosed', table: 'discrete', address: 0 },
  ],
};
