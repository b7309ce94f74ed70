import type { DlmsValue } from '@gridbill/shared/dlms';
import type { RegisterMap } from '@gridbill/shared/modbus';
import { CONTROL_STATES, type ControlState, type RelayReadBack } from '@gridbill/shared/relay';
import type { DlmsClient } from '../dlms/index.js';
import type { ModbusClient } from './modbus-client.js';

/** Disconnect control object (class 70) of a DLMS meter. */
const RELAY_OBIS = '0.0.96.3.10.255';

/**
 * Class 70 read-back over DLMS: output_state (attr 2); when the output is open, control_state
 * (3); when that is ready_for_reconnection, control_mode (4) too (the only case the mode
 * decides). Fewest requests: a read-back runs on a shared bus.
 *
 * @example
 * await readDlmsRelayStatus(client)
 * // → { output: 'open', controlState: 'ready_for_reconnection', controlMode: 2 }
 */
export async function readDlmsRelayStatus(c: DlmsClient): Promise<RelayReadBack> {
  const out = await c.get(70, RELAY_OBIS, 2);
  if (out.type !== 'boolean') throw new Error(`relay output_state is ${out.type}`);
  if (out.value) return { output: 'closed' }; // closed output = connected in every mode
  const state = controlState(enumValue(await c.get(70, RELAY_OBIS, 3), 'control_state'));
  if (state !== 'ready_for_reconnection') return { output: 'open', controlState: state };
  const controlMode = enumValue(await c.get(70, RELAY_OBIS, 4), 'control_mode');
  return { output: 'open', controlState: state, controlMode };
}

/**
 * Read-back of a Modbus meter whose register map has the class 70 control state (input
 * register) and control mode (holding register): the state when the output is open, the mode
 * when the state is ready_for_reconnection; without them the output only.
 *
 * @example
 * await readModbusRelayStatus(client, 1, GRIDBILL_PREPAID, 'open')
 * // → { output: 'open', controlState: 'ready_for_reconnection', controlMode: 2 }
 */
export async function readModbusRelayStatus(
  client: ModbusClient,
  unitId: number,
  map: RegisterMap,
  output: 'open' | 'closed',
): Promise<RelayReadBack> {
  const stateField = map.fields.find((f) => f.quantity === 'relayControlState');
  const modeField = map.fields.find((f) => f.quantity === 'relayControlMode');
  // a closed output is control_state connected in every mode: one request is enough
  if (!stateField || !modeField || output === 'closed') return { output };
  client.setID(unitId);
  const word = async (table: string, address: number) => {
    const res =
      table === 'input'
        ? await client.readInputRegisters(address, 1)
        : await client.readHoldingRegisters(address, 1);
    const value = res.data[0];
    if (value === undefined) throw new Error(`${map.id}: register ${address} not returned`);
    return value;
  };
  const state = controlState(await word(stateField.table, stateField.address));
  // only an armed meter needs its mode judged (modes 2/4/6 arm on a remote reconnect)
  if (state !== 'ready_for_reconnection') return { output, controlState: state };
  const controlMode = await word(modeField.table, modeField.address);
  return { output, controlState: state, controlMode };
}

function controlState(value: number): ControlState {
  const state = CONTROL_STATES[value];
  if (state === undefined) throw new Error(`relay control_state ${value} is not 0, 1 or 2`);
  return state;
}

function enumValue(v: DlmsValue, name: string): number {
  if (v.type !== 'enum' && v.type !== 'unsigned') throw new Error(`relay ${name} is ${v.type}`);
  return Number(v.value);
}
