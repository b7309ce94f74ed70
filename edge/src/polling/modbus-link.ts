import type { RelayReadBack } from '@gridbill/shared/relay';
import {
  decodeWords,
  fromWire,
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
  /** The energy register, the meter clock when it fits in the same read, and that read. */
  private readonly energy: RegisterField;
  private readonly clock: RegisterField | undefined;
  private readonly block: { start: number; count: number };

  constructor(
    private readonly client: ModbusClient,
    private readonly unitId: number,
    private readonly map: RegisterMap,
    private readonly serial: string,
  ) {
    this.energy = field(map, 'importWh');
    const clock = map.fields.find((f) => f.quantity === 'meterClockS');
    this.block = blockFor(this.energy, clock);
    const sameRead = clock?.table === this.energy.table && inBlock(clock, this.block);
    this.clock = sameRead ? clock : undefined;
  }

  readEnergy(): Promise<MeterRead> {
    const { start, count } = this.block;
    this.client.setID(this.unitId);
    const res =
      this.energy.table === 'input'
        ? this.client.readInputRegisters(start, count)
        : this.client.readHoldingRegisters(start, count);
    return res.then(this.toRead);
  }

  /** Decodes the block into a read (bound once: no closure per read). */
  private readonly toRead = (res: { data: number[] }): MeterRead => {
    const { start, count } = this.block;
    const words = res.data;
    if (words.length !== count)
      throw new Error(`${this.map.id}: expected ${count} registers, got ${words.length}`);
    const read: MeterRead = { valueWh: fieldValue(this.energy, start, words), serial: this.serial };
    if (this.clock) read.meterClockMs = fieldValue(this.clock, start, words) * 1000;
    return read;
  };

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
}

function inBlock(f: RegisterField, block: { start: number; count: number }): boolean {
  return f.address >= block.start && f.address + wordCount(f.type) <= block.start + block.count;
}

/**
 * One field's quantity from a block of registers read from `start`.
 *
 * @example fieldValue(importWh@0 uint32, 0, [0x0001, 0x86a0, …]) // → 100000
 */
function fieldValue(f: RegisterField, start: number, words: readonly number[]): number {
  const at = f.address - start;
  const high = words[at] ?? 0;
  // unsigned integers inline (the common energy register); other types through the shared codec
  if (f.type === 'uint32') return fromWire(f, high * 0x1_0000 + (words[at + 1] ?? 0));
  if (f.type === 'uint16') return fromWire(f, high);
  return fromWire(f, decodeWords(f.type, words.slice(at, at + wordCount(f.type))));
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
