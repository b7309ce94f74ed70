import { ByteReader, ByteWriter, toHex } from './byte-reader.js';
import { crc16x25 } from './crc16.js';
import { DlmsDecodeError, DlmsEncodeError } from './errors.js';

/**
 * HDLC frame format type 3 (IEC 62056-46). Addresses are 1, 2 or 4 bytes (7 bits per byte,
 * LSB = 1 on the last byte). HCS is present only when there is an information field.
 *
 * Example: `7E A007 03 21 93 0F01 7E` ↔ SNRM from client 16 to server 1:
 * `{ segmented: false, destination: { upper: 1, byteLength: 1 }, source: { upper: 16,
 *   byteLength: 1 }, control: 0x93, information: <empty> }`.
 */
export interface HdlcAddress {
  /** Upper (logical device) address, or the whole 1-byte address. */
  upper: number;
  /** Lower (physical) address for 2- and 4-byte addresses. */
  lower?: number;
  byteLength: 1 | 2 | 4;
}

export interface HdlcFrame {
  segmented: boolean;
  destination: HdlcAddress;
  source: HdlcAddress;
  control: number;
  information: Uint8Array;
}

export const FLAG = 0x7e;
/** Longest frame we accept (11-bit length field). */
export const MAX_FRAME_LENGTH = 2047;

export function encodeHdlcAddress(a: HdlcAddress): number[] {
  const groups =
    a.byteLength === 1
      ? [a.upper]
      : a.byteLength === 2
        ? [a.upper, a.lower ?? 0]
        : [a.upper >> 7, a.upper & 0x7f, (a.lower ?? 0) >> 7, (a.lower ?? 0) & 0x7f];
  const limit = a.byteLength === 4 ? 0x3fff : 0x7f;
  if (a.upper > limit || (a.lower ?? 0) > limit || a.upper < 0) {
    throw new DlmsEncodeError(`HDLC address ${JSON.stringify(a)} out of range`);
  }
  return groups.map((g, i) => ((g << 1) | (i === groups.length - 1 ? 1 : 0)) & 0xff);
}

function readAddress(r: ByteReader): HdlcAddress {
  const start = r.offset;
  const raw: number[] = [];
  for (;;) {
    const b = r.u8();
    raw.push(b >> 1);
    if (b & 1) break;
    if (raw.length === 4) r.fail('address longer than 4 bytes', start);
  }
  if (raw.length === 3) r.fail('3-byte HDLC address', start);
  if (raw.length === 1) return { upper: raw[0]!, byteLength: 1 };
  if (raw.length === 2) return { upper: raw[0]!, lower: raw[1]!, byteLength: 2 };
  const [a, b, c, d] = raw as [number, number, number, number];
  return { upper: (a << 7) | b, lower: (c << 7) | d, byteLength: 4 };
}

export function encodeHdlcFrame(f: HdlcFrame): Uint8Array {
  const header = new ByteWriter()
    .put(encodeHdlcAddress(f.destination))
    .put(encodeHdlcAddress(f.source))
    .u8(f.control)
    .bytes();
  const hasInfo = f.information.length > 0;
  const length = 2 + header.length + (hasInfo ? 2 + f.information.length : 0) + 2;
  if (length > MAX_FRAME_LENGTH) throw new DlmsEncodeError(`HDLC frame of ${length} bytes`);
  const body = new ByteWriter()
    .u8(0xa0 | (f.segmented ? 0x08 : 0) | (length >> 8))
    .u8(length & 0xff)
    .put(header);
  if (hasInfo) {
    const hcs = crc16x25(body.bytes());
    body
      .u8(hcs & 0xff)
      .u8(hcs >> 8)
      .put(f.information);
  }
  const bytes = body.bytes();
  const fcs = crc16x25(bytes);
  return new ByteWriter()
    .u8(FLAG)
    .put(bytes)
    .u8(fcs & 0xff)
    .u8(fcs >> 8)
    .u8(FLAG)
    .bytes();
}

/** Decodes exactly one frame including both flags; bad CRCs are errors with offsets. */
export function decodeHdlcFrame(bytes: Uint8Array): HdlcFrame {
  const r: ByteReader = new ByteReader(bytes, 'HDLC frame');
  if (r.u8() !== FLAG) r.fail('missing opening flag 0x7E', 0);
  const format = r.u16();
  if (format >> 12 !== 0xa) r.fail(`frame format 0x${(format >> 12).toString(16)}, expected A`, 1);
  const length = format & 0x7ff;
  if (length + 2 !== bytes.length) {
    r.fail(`length field ${length} but frame has ${bytes.length - 2} bytes between flags`, 1);
  }
  if (bytes[bytes.length - 1] !== FLAG) r.fail('missing closing flag 0x7E', bytes.length - 1);
  const destination = readAddress(r);
  const source = readAddress(r);
  const control = r.u8();
  const fcsAt = bytes.length - 3;
  let information = new Uint8Array(0);
  if (r.offset < fcsAt) {
    checkCrc(bytes, r.offset, 'HCS');
    r.offset += 2;
    if (r.offset > fcsAt) r.fail('frame ends inside HCS', r.offset);
    information = bytes.slice(r.offset, fcsAt);
  } else if (r.offset > fcsAt) {
    r.fail('frame too short for its header', r.offset);
  }
  checkCrc(bytes, fcsAt, 'FCS');
  return { segmented: (format & 0x0800) !== 0, destination, source, control, information };
}

function checkCrc(bytes: Uint8Array, at: number, what: string): void {
  if (at + 2 > bytes.length) throw new DlmsDecodeError('HDLC frame', at, `${what} missing`);
  const want = crc16x25(bytes, 1, at);
  const got = bytes[at]! | (bytes[at + 1]! << 8);
  if (want !== got) {
    const hex = toHex(Uint8Array.of(want & 0xff, want >> 8));
    throw new DlmsDecodeError('HDLC frame', at, `${what} mismatch (expected ${hex})`);
  }
}

/**
 * Splits a byte stream into frames by the length field (never on a bare 0x7E: a flag byte
 * may appear inside the FCS, u9n #97). Returns complete frames and the unconsumed rest.
 * Garbage before a flag is skipped and counted.
 */
export function splitHdlcStream(buffer: Uint8Array): {
  frames: Uint8Array[];
  rest: Uint8Array;
  skippedBytes: number;
} {
  const frames: Uint8Array[] = [];
  let at = 0;
  let skippedBytes = 0;
  while (at < buffer.length) {
    if (buffer[at] !== FLAG) {
      at++;
      skippedBytes++;
      continue;
    }
    if (at + 3 > buffer.length) break;
    const b1 = buffer[at + 1]!;
    if (b1 === FLAG) {
      at++;
      skippedBytes++;
      continue;
    }
    if (b1 >> 4 !== 0xa) {
      at++;
      skippedBytes++;
      continue;
    }
    const total = (((b1 & 0x07) << 8) | buffer[at + 2]!) + 2;
    if (at + total > buffer.length) break;
    frames.push(buffer.slice(at, at + total));
    at += total;
  }
  return { frames, rest: buffer.slice(at), skippedBytes };
}
