import type {
  BitTable,
  BitValues,
  MeterQuantity,
  QuantityValues,
  RegisterField,
  RegisterMap,
  RegisterTable,
} from './types.js';
import { decodeWords, encodeWords, wordCount } from './value-codec.js';

/** Modbus exception 2 (illegal data address) or 3 (illegal data value) with a reason. */
export interface ModbusRefusal {
  ok: false;
  exceptionCode: 2 | 3 | 4;
  reason: string;
}
export type ReadResult<T> = { ok: true; values: T[] } | ModbusRefusal;

interface Slot {
  field: RegisterField;
  offset: number;
}

const slotCache = new WeakMap<RegisterMap, Map<string, Slot>>();

function slots(map: RegisterMap): Map<string, Slot> {
  let index = slotCache.get(map);
  if (index) return index;
  index = new Map();
  for (const field of map.fields) {
    for (let offset = 0; offset < wordCount(field.type); offset++) {
      index.set(`${field.table}:${field.address + offset}`, { field, offset });
    }
  }
  slotCache.set(map, index);
  return index;
}

/**
 * Quantity (base unit) → wire value.
 * @example toWire({ type: 'float32', scalePow10: -3, ... }, 1234567) // 1234.567
 */
export function toWire(field: RegisterField, quantity: number): number {
  const scaled =
    field.scalePow10 < 0 ? quantity / 10 ** -field.scalePow10 : quantity * 10 ** field.scalePow10;
  return field.type === 'float32' ? scaled : Math.round(scaled);
}

/**
 * Wire value → quantity (base unit); energy quantities (`…Wh`) round to integer Wh.
 * @example fromWire({ type: 'float32', scalePow10: -3, quantity: 'importWh', ... }, 1234.567)
 *   // 1234567
 */
export function fromWire(field: RegisterField, wire: number): number {
  const value =
    field.scalePow10 > 0 ? wire / 10 ** field.scalePow10 : wire * 10 ** -field.scalePow10;
  return field.quantity.endsWith('Wh') ? Math.round(value) : value;
}

/**
 * Reads `count` registers from `address` in `table`, encoding the fields they cover.
 * Unmapped addresses refuse with exception 2; values out of the wire type's range with 4.
 *
 * @example readRegisters(SDM120, 'input', 0, 2, { l1VoltageV: 230 })
 *   // { ok: true, values: [0x4366, 0x0000] }
 */
export function readRegisters(
  map: RegisterMap,
  table: RegisterTable,
  address: number,
  count: number,
  values: QuantityValues,
): ReadResult<number> {
  const index = slots(map);
  const out: number[] = [];
  let encoded: { field: RegisterField; words: number[] } | undefined;
  for (let a = address; a < address + count; a++) {
    const slot = index.get(`${table}:${a}`);
    if (!slot) {
      return refuse(2, `${map.id}: no ${table} register at address ${a}`);
    }
    if (encoded?.field !== slot.field) {
      const quantity = values[slot.field.quantity] ?? 0;
      try {
        encoded = {
          field: slot.field,
          words: encodeWords(slot.field.type, toWire(slot.field, quantity)),
        };
      } catch (err) {
        return refuse(4, `${map.id}: ${slot.field.name}: ${(err as Error).message}`);
      }
    }
    out.push(encoded.words[slot.offset]!);
  }
  return { ok: true, values: out };
}

/**
 * Reads bits (coils or discrete inputs) from `address`.
 * @example readBits(PREPAID, 'coil', 0, 1, { relayClosed: true }) // { ok: true, values: [true] }
 */
export function readBits(
  map: RegisterMap,
  table: BitTable,
  address: number,
  count: number,
  values: BitValues,
): ReadResult<boolean> {
  const out: boolean[] = [];
  for (let a = address; a < address + count; a++) {
    const field = map.bits.find((b) => b.table === table && b.address === a);
    if (!field) return refuse(2, `${map.id}: no ${table} at address ${a}`);
    out.push(values[field.bit] ?? false);
  }
  return { ok: true, values: out };
}

/** Finds the writable holding register field that starts at `address`, or refuses. */
export function writableRegister(
  map: RegisterMap,
  address: number,
): { ok: true; field: RegisterField } | ModbusRefusal {
  const slot = slots(map).get(`holding:${address}`);
  if (slot?.offset !== 0) return refuse(2, `${map.id}: no holding register at ${address}`);
  if (!slot.field.writable) return refuse(2, `${map.id}: ${slot.field.name} is read-only`);
  return { ok: true, field: slot.field };
}

/**
 * Decodes every field wholly inside a block of registers read from `address` (the edge side).
 * @example decodeRegisters(SDM120, 'input', 72, [0x449a, 0x5225]) // { importWh: 1234567 }
 */
export function decodeRegisters(
  map: RegisterMap,
  table: RegisterTable,
  address: number,
  words: readonly number[],
): QuantityValues {
  const out: Partial<Record<MeterQuantity, number>> = {};
  for (const field of map.fields) {
    if (field.table !== table) continue;
    const start = field.address - address;
    const end = start + wordCount(field.type);
    if (start < 0 || end > words.length) continue;
    out[field.quantity] = fromWire(field, decodeWords(field.type, words.slice(start, end)));
  }
  return out;
}

function refuse(exceptionCode: 2 | 3 | 4, reason: string): ModbusRefusal {
  return { ok: false, exceptionCode, reason };
}
