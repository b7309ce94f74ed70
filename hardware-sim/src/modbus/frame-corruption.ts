/**
 * Corrupts an outgoing Modbus frame the way a noisy line would.
 * RTU: the CRC (last two bytes) is inverted, so a client sees a CRC error.
 * TCP (no CRC): the MBAP protocol identifier (bytes 2-3) becomes 0xFFFF and the last data byte
 * is flipped, so a client sees a malformed frame.
 *
 * @example corruptFrame(Buffer.from([1, 4, 2, 0, 5, 0x78, 0xf3]), 'rtu')
 *   // <Buffer 01 04 02 00 05 87 0c>
 */
export function corruptFrame(frame: Buffer, transport: 'tcp' | 'rtu'): Buffer {
  const out = Buffer.from(frame);
  const n = out.length;
  if (transport === 'rtu') {
    out[n - 1] = out[n - 1]! ^ 0xff;
    out[n - 2] = out[n - 2]! ^ 0xff;
  } else if (n >= 8) {
    out.writeUInt16BE(0xffff, 2);
    out[n - 1] = out[n - 1]! ^ 0xff;
  }
  return out;
}

/** Unit id of a response frame: byte 0 in RTU, byte 6 (after the MBAP header) in TCP. */
export function frameUnitId(frame: Buffer, transport: 'tcp' | 'rtu'): number | undefined {
  return transport === 'rtu' ? frame[0] : frame[6];
}
