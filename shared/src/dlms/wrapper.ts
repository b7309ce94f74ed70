import { ByteReader, ByteWriter } from './byte-reader.js';

/**
 * IEC 62056-47 TCP wrapper: version 0x0001, source wPort, destination wPort, length, APDU.
 *
 * Example: `0001 0010 0001 000D C001C000080000010000FF0200` ↔
 * `{ source: 16, destination: 1, apdu: C001C000080000010000FF0200 }`.
 */
export interface WrapperFrame {
  source: number;
  destination: number;
  apdu: Uint8Array;
}

export const WRAPPER_VERSION = 1;
export const WRAPPER_HEADER_BYTES = 8;

export function encodeWrapper(f: WrapperFrame): Uint8Array {
  return new ByteWriter()
    .u16(WRAPPER_VERSION)
    .u16(f.source)
    .u16(f.destination)
    .u16(f.apdu.length)
    .put(f.apdu)
    .bytes();
}

export function decodeWrapper(bytes: Uint8Array): WrapperFrame {
  const r: ByteReader = new ByteReader(bytes, 'wrapper');
  const version = r.u16();
  if (version !== WRAPPER_VERSION) r.fail(`version ${version}, expected 1`, 0);
  const source = r.u16();
  const destination = r.u16();
  const length = r.u16();
  if (length !== r.remaining) r.fail(`length ${length} but ${r.remaining} bytes follow`, 6);
  return { source, destination, apdu: r.take(length) };
}

/**
 * Splits a TCP byte stream into wrapper frames. Throws `DlmsDecodeError` on a bad version
 * (the stream cannot be resynchronised).
 */
export function splitWrapperStream(buffer: Uint8Array): { frames: Uint8Array[]; rest: Uint8Array } {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (buffer.length - at >= WRAPPER_HEADER_BYTES) {
    const r: ByteReader = new ByteReader(buffer.subarray(at), 'wrapper stream');
    if (r.u16() !== WRAPPER_VERSION) r.fail('bad wrapper version', 0);
    const total = WRAPPER_HEADER_BYTES + ((buffer[at + 6]! << 8) | buffer[at + 7]!);
    if (buffer.length - at < total) break;
    frames.push(buffer.slice(at, at + total));
    at += total;
  }
  return { frames, rest: buffer.slice(at) };
}
