import type { ValueType } from './types.js';

/** Registers a value of this type occupies (1 or 2). */
export function wordCount(type: ValueType): number {
  return type === 'uint16' || type === 'int16' ? 1 : 2;
}

const INT_RANGES: Record<Exclude<ValueType, 'float32'>, readonly [number, number]> = {
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

/**
 * Encodes a wire value into 16-bit registers, high word first (Eastron and Modbus convention).
 * Integers out of range throw a RangeError naming the type.
 *
 * @example encodeWords('float32', 230) // [0x4366, 0x0000]
 * @example encodeWords('int32', -2) // [0xffff, 0xfffe]
 */
export function encodeWords(type: ValueType, value: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'float32') {
    view.setFloat32(0, value);
    return [view.getUint16(0), view.getUint16(2)];
  }
  const [min, max] = INT_RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`encodeWords: ${value} is not a ${type} (range ${min}..${max})`);
  }
  if (type === 'uint16' || type === 'int16') return [value & 0xffff];
  view.setUint32(0, value >>> 0);
  return [view.getUint16(0), view.getUint16(2)];
}

/**
 * Decodes registers (high word first) into a wire value.
 *
 * @example decodeWords('float32', [0x4366, 0x0000]) // 230
 * @example decodeWords('int16', [0xffff]) // -1
 */
export function decodeWords(type: ValueType, words: readonly number[]): number {
  const need = wordCount(type);
  if (words.length !== need) {
    throw new RangeError(`decodeWords: ${type} needs ${need} registers, got ${words.length}`);
  }
  const view = new DataView(new ArrayBuffer(4));
  view.setUint16(0, words[0]!);
  if (need === 2) view.setUint16(2, words[1]!);
  switch (type) {
    case 'float32':
      return view.getFloat32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint16':
      return view.getUint16(0);
    case 'int16':
      return view.getInt16(0);
  }
}
