import {
  decodeAcse,
  decodeHdlcFrame,
  encodeAcse,
  decodeWrapper,
  encodeWrapper,
  splitHdlcStream,
  splitWrapperStream,
} from '@gridbill/shared/dlms';

export type DlmsTcpTransport = 'wrapper' | 'hdlc';

/** Splits a byte stream into whole frames (wrapper by length field, HDLC by flags + length). */
export function splitFrames(transport: DlmsTcpTransport, buffer: Uint8Array) {
  return transport === 'wrapper' ? splitWrapperStream(buffer) : splitHdlcStream(buffer);
}

/**
 * The server (logical device) address a frame is for (`to: 'server'`) or from, or undefined
 * when the frame cannot be decoded.
 * @example frameServerAddress('wrapper', fromHex('000100100001000DC001…'), 'server') // 1
 */
export function frameServerAddress(
  transport: DlmsTcpTransport,
  frame: Uint8Array,
  to: 'server' | 'client',
): number | undefined {
  try {
    if (transport === 'wrapper') {
      const w = decodeWrapper(frame);
      return to === 'server' ? w.destination : w.source;
    }
    const h = decodeHdlcFrame(frame);
    return (to === 'server' ? h.destination : h.source).upper;
  } catch {
    return undefined;
  }
}

/**
 * Corrupts a response: HDLC gets a bad FCS (byte before the closing flag inverted); the wrapper
 * (no checksum) gets its last APDU byte inverted.
 */
export function corruptDlmsFrame(transport: DlmsTcpTransport, frame: Uint8Array): Uint8Array {
  const out = Uint8Array.from(frame);
  const at = transport === 'hdlc' ? out.length - 2 : out.length - 1;
  out[at] = out[at]! ^ 0xff;
  return out;
}

/**
 * What a meter denying access answers to a wrapper frame: an AARQ gets a rejected AARE
 * (authentication-failure, 13); a plain GET or SET gets data-access-result read-write-denied
 * (3); anything else (ciphered APDUs, ACTION, release) gets undefined and passes through.
 * @example accessDeniedReply(wrapper(16 → 1, C0 01 C1 …)) // wrapper(1 → 16, C4 01 C1 01 03)
 */
export function accessDeniedReply(frame: Uint8Array): Uint8Array | undefined {
  const w = decodeWrapper(frame);
  const apdu = deniedApdu(w.apdu);
  if (!apdu) return undefined;
  return encodeWrapper({ source: w.destination, destination: w.source, apdu });
}

function deniedApdu(request: Uint8Array): Uint8Array | undefined {
  const [tag, kind, invokeId] = request;
  if (tag === 0x60) return rejectedAare(request);
  if (kind !== 1 || invokeId === undefined) return undefined;
  if (tag === 0xc0) return Uint8Array.from([0xc4, 0x01, invokeId, 0x01, 0x03]);
  if (tag === 0xc1) return Uint8Array.from([0xc5, 0x01, invokeId, 0x03]);
  return undefined;
}

/** AARE rejected-permanent with authentication-failure, echoing the AARQ's context. */
function rejectedAare(aarqBytes: Uint8Array): Uint8Array | undefined {
  let aarq: ReturnType<typeof decodeAcse>;
  try {
    aarq = decodeAcse(aarqBytes);
  } catch {
    return undefined; // malformed: let the server answer it
  }
  return encodeAcse({
    kind: 'aare',
    applicationContext: aarq.kind === 'aarq' ? aarq.applicationContext : 1,
    result: 1,
    diagnostic: { source: 'user', value: 13 },
  });
}
