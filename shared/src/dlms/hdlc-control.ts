/**
 * HDLC control field (IEC 62056-46): I, RR, RNR and the unnumbered frames.
 *
 * Example: `decodeControl(0x32)` → `{ type: 'I', sendSeq: 1, receiveSeq: 1, pollFinal: true }`;
 * `encodeControl({ type: 'RR', receiveSeq: 2, pollFinal: true })` → 0x51.
 */
export type HdlcControl =
  | { type: 'I'; sendSeq: number; receiveSeq: number; pollFinal: boolean }
  | { type: 'RR' | 'RNR'; receiveSeq: number; pollFinal: boolean }
  | { type: UnnumberedType; pollFinal: boolean };

export type UnnumberedType = 'SNRM' | 'DISC' | 'UA' | 'DM' | 'FRMR' | 'UI';

const UNNUMBERED: Record<UnnumberedType, number> = {
  SNRM: 0x83,
  DISC: 0x43,
  UA: 0x63,
  DM: 0x0f,
  FRMR: 0x87,
  UI: 0x03,
};

const PF = 0x10;

export function encodeControl(c: HdlcControl): number {
  const pf = c.pollFinal ? PF : 0;
  if (c.type === 'I') return ((c.receiveSeq & 7) << 5) | pf | ((c.sendSeq & 7) << 1);
  if (c.type === 'RR') return ((c.receiveSeq & 7) << 5) | pf | 0x01;
  if (c.type === 'RNR') return ((c.receiveSeq & 7) << 5) | pf | 0x05;
  return UNNUMBERED[c.type] | pf;
}

/** Returns undefined for control values that are none of the known frame types. */
export function decodeControl(value: number): HdlcControl | undefined {
  const pollFinal = (value & PF) !== 0;
  if ((value & 1) === 0) {
    return { type: 'I', sendSeq: (value >> 1) & 7, receiveSeq: value >> 5, pollFinal };
  }
  if ((value & 0x0f) === 0x01) return { type: 'RR', receiveSeq: value >> 5, pollFinal };
  if ((value & 0x0f) === 0x05) return { type: 'RNR', receiveSeq: value >> 5, pollFinal };
  const base = value & ~PF;
  const found = Object.entries(UNNUMBERED).find(([, v]) => v === base);
  return found ? { type: found[0] as UnnumberedType, pollFinal } : undefined;
}

/** LLC headers carried in I-frames before the APDU. */
export const LLC_REQUEST = Uint8Array.of(0xe6, 0xe6, 0x00);
export const LLC_RESPONSE = Uint8Array.of(0xe6, 0xe7, 0x00);
