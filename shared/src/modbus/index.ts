export type {
  BitField,
  BitTable,
  BitValues,
  MeterBit,
  MeterQuantity,
  QuantityValues,
  RegisterField,
  RegisterMap,
  RegisterTable,
  ValueType,
} from './types.js';
export { decodeWords, encodeWords, wordCount } from './value-codec.js';
export type { ModbusRefusal, ReadResult } from './register-image.js';
export {
  decodeRegisters,
  fromWire,
  readBits,
  readRegisters,
  toWire,
  writableRegister,
} from './register-image.js';
export { GRIDBILL_PREPAID, REGISTER_MAPS, registerMapById, SDM120, SDM630 } from './maps/index.js';
