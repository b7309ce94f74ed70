import { ByteReader, ByteWriter } from './byte-reader.js';

/**
 * HDLC parameter negotiation field in SNRM/UA (format id 0x81, group id 0x80).
 *
 * Example: `81 80 12 05 01 80 06 01 80 07 04 00000001 08 04 00000001` ↔
 * `{ maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 }`.
 */
export interface HdlcParameters {
  maxInfoTransmit: number;
  maxInfoReceive: number;
  windowTransmit: number;
  windowReceive: number;
}

export const DEFAULT_HDLC_PARAMETERS: HdlcParameters = {
  maxInfoTransmit: 128,
  maxInfoReceive: 128,
  windowTransmit: 1,
  windowReceive: 1,
};

const IDS: [number, keyof HdlcParameters, number][] = [
  [0x05, 'maxInfoTransmit', 0],
  [0x06, 'maxInfoReceive', 0],
  [0x07, 'windowTransmit', 4],
  [0x08, 'windowReceive', 4],
];

export function encodeHdlcParameters(p: HdlcParameters): Uint8Array {
  const g = new ByteWriter();
  for (const [id, key, fixed] of IDS) {
    const v = p[key];
    const size = fixed || (v < 0x100 ? 1 : v < 0x10000 ? 2 : 4);
    g.u8(id).u8(size);
    for (let i = size - 1; i >= 0; i--) g.u8(Math.floor(v / 2 ** (8 * i)) & 0xff);
  }
  const group = g.bytes();
  return new ByteWriter().u8(0x81).u8(0x80).u8(group.length).put(group).bytes();
}

/** Missing parameters take the defaults (128 bytes, window 1). */
export function decodeHdlcParameters(bytes: Uint8Array): HdlcParameters {
  const out = { ...DEFAULT_HDLC_PARAMETERS };
  if (bytes.length === 0) return out;
  const r: ByteReader = new ByteReader(bytes, 'HDLC parameters');
  if (r.u8() !== 0x81 || r.u8() !== 0x80) r.fail('expected format 81 group 80', 0);
  const length = r.u8();
  if (length !== r.remaining) r.fail(`group length ${length}, ${r.remaining} bytes follow`, 2);
  while (r.remaining > 0) {
    const id = r.u8();
    const size = r.u8();
    if (size < 1 || size > 4) r.fail(`parameter ${id} of ${size} bytes`, r.offset - 1);
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + r.u8();
    const known = IDS.find(([pid]) => pid === id);
    if (known) out[known[1]] = v;
  }
  return out;
}
