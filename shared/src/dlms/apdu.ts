import { type AcseApdu, decodeAcse, encodeAcse, isAcseTag } from './acse.js';
import { DlmsDecodeError } from './errors.js';
import { decodeXdlms, encodeXdlms } from './xdlms.js';
import type { XdlmsApdu } from './xdlms-types.js';

/** Any APDU on a DLMS/COSEM association: ACSE (60..63) or xDLMS service. */
export type Apdu = AcseApdu | XdlmsApdu;

/** Example: `decodeApdu(6203800100)` → `{ kind: 'rlrq', reason: 0 }`. */
export function decodeApdu(bytes: Uint8Array): Apdu {
  if (bytes.length === 0) throw new DlmsDecodeError('APDU', 0, 'empty');
  return isAcseTag(bytes[0]!) ? decodeAcse(bytes) : decodeXdlms(bytes);
}

export function encodeApdu(apdu: Apdu): Uint8Array {
  switch (apdu.kind) {
    case 'aarq':
    case 'aare':
    case 'rlrq':
    case 'rlre':
      return encodeAcse(apdu);
    default:
      return encodeXdlms(apdu);
  }
}
