import type { DlmsValue } from '@gridbill/shared/dlms';
import type { RegisterMap } from '@gridbill/shared/modbus';
import { CONTROL_STATES, type ControlState, type RelayReadBack } from '@gridbill/shared/relay';
import type { DlmsClient } from '../dlms/index.js';
import type { ModbusClient } from './modbus-client.js';

/** Disconnect control object (class 70) of a DLMS meter. */
const RELAY_OBIS = '0.0.96.3.10.255';

/**
 * Class 70 read-back over DLMS: output_state (attr 2), and when the output is open (the
 * state is then disconnected or ready_for_reconnection) control_state (3) and control_mode (4).
 *
 * @example
 * await readDlmsRelayStatus(client)
 * // → { output: 'open', controlState: 'ready_for_reconnection', controlMode: 2 }
 */
export async function readDlmsRelayStatus(c: DlmsClient): Promise<RelayReadBack> {
  const out = await c.get(70, RELAY_OBIS, 2);
  if (out.type !== 'boolean') throw new Error(`relay output_state is ${out.type}`);
  if (out.value) return { output: 'closed' }; // closed output = connected in every mode
  const state = enumValue(await c.get(70, RELAY_OBIS, 3), 'control_state');
  const controlMode = enumValue(await c.get(70, RELAY_OBIS, 4), 'control_mode');
  return { output: out.value ? 'closed' : 'open', controlState: controlState(state), controlMode };
}

/**
 * Read-back of a Modbus meter whose register map has the class 70 control state (input
 * register) and control mode (holding register), read when the output is open; without
 * them, or with the output closed (= connected), the output only.
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
  const state = await word(stateField.table, stateField.address);
  const controlMode = await word(modeField.table, modeField.address);
  return { output, controlState: controlState(state), controlMode };
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
