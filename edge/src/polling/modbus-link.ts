import type { RelayReadBack } from '@gridbill/shared/relay';
import {
  decodeRegisters,
  type MeterQuantity,
  type RegisterField,
  type RegisterMap,
  wordCount,
} from '@gridbill/shared/modbus';
import type { ModbusClient } from './modbus-client.js';
import type { MeterLink, MeterRead } from './meter-link.js';
import { readModbusRelayStatus } from './relay-status.js';

/**
 * A Modbus meter read through the shared register map. On an RTU bus several links share one
 * client (the bus queue serialises them; the unit id is set per request).
 */
export class ModbusLink implements MeterLink {
  constructor(
    private readonly client: ModbusClient,
    private readonly unitId: number,
    private readonly map: RegisterMap,
    private readonly serial: string,
  ) {}

  async readEnergy(): Promise<MeterRead> {
    const energy = field(this.map, 'importWh');
    const clockField = this.map.fields.find((f) => f.quantity === 'meterClockS');
    const block = blockFor(energy, clockField);
    const words = await this.readBlock(energy.table, block.start, block.count);
    const values = decodeRegisters(this.map, energy.table, block.start, words);
    const valueWh = values.importWh;
    if (valueWh === undefined) throw new Error(`${this.map.id}: importWh not decoded`);
    const read: MeterRead = { valueWh, serial: this.serial };
    if (values.meterClockS !== undefined) read.meterClockMs = values.meterClockS * 1000;
    return read;
  }

  async switchRelay(action: 'open' | 'close'): Promise<void> {
    const coil = this.map.bits.find((b) => b.table === 'coil' && b.writable);
    if (!coil) throw new Error(`${this.map.id}: no writable relay coil`);
    this.client.setID(this.unitId);
    await this.client.writeCoil(coil.address, action === 'close');
  }

  async readRelay(): Promise<'open' | 'closed'> {
    const bit =
      this.map.bits.find((b) => b.table === 'discrete' && b.bit === 'relayClosed') ??
      this.map.bits.find((b) => b.bit === 'relayClosed');
    if (!bit) throw new Error(`${this.map.id}: no relay state bit`);
    this.client.setID(this.unitId);
    const res =
      bit.table === 'discrete'
        ? await this.client.readDiscreteInputs(bit.address, 1)
        : await this.client.readCoils(bit.address, 1);
    return res.data[0] ? 'closed' : 'open';
  }

  async readRelayStatus(): Promise<RelayReadBack> {
    const output = await this.readRelay();
    return readModbusRelayStatus(this.client, this.unitId, this.map, output);
  }

  async close(): Promise<void> {}

  private async readBlock(table: RegisterField['table'], start: number, count: number) {
    this.client.setID(this.unitId);
    const res =
      table === 'input'
        ? await this.client.readInputRegisters(start, count)
        : await this.client.readHoldingRegisters(start, count);
    if (res.data.length !== count)
      throw new Error(`${this.map.id}: expected ${count} registers, got ${res.data.length}`);
    return res.data;
  }
}

function field(map: RegisterMap, quantity: MeterQuantity): RegisterField {
  const f = map.fields.find((x) => x.quantity === quantity);
  if (!f) throw new Error(`register map ${map.id} has no ${quantity}`);
  return f;
}

/**
 * One read covering the energy register and, when close enough, the meter clock.
 *
 * @example
 * blockFor(importWh@0 uint32, meterClockS@24 uint32) // → { start: 0, count: 26 }
 */
export function blockFor(
  energy: RegisterField,
  clock?: RegisterField,
): { start: number; count: number } {
  const endOf = (f: RegisterField) => f.address + wordCount(f.type);
  if (!clock || clock.table !== energy.table)
    return { start: energy.address, count: wordCount(energy.type) };
  const start = Math.min(energy.address, clock.address);
  const count = Math.max(endOf(energy), endOf(clock)) - start;
  return count <= 64 ? { start, count } : { start: energy.address, count: wordCount(energy.type) };
}
