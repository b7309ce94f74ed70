/**
 * CRC-16/X.25 (HDLC FCS/HCS): poly 0x1021 reflected (0x8408), init 0xFFFF, xorout 0xFFFF.
 * Sent on the wire least significant byte first.
 *
 * Example: `crc16x25(ascii '123456789')` → 0x906E (wire bytes `6E 90`).
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
}

export function crc16x25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return (crc ^ 0xffff) & 0xffff;
}
