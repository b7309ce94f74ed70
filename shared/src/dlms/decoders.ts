import { decodeAcse } from './acse.js';
import { decodeApdu } from './apdu.js';
import { decodeData } from './axdr.js';
import { decodeHdlcFrame, splitHdlcStream } from './hdlc-frame.js';
import { decodeHdlcParameters } from './hdlc-params.js';
import { decodeInitiateRequest, decodeInitiateResponse } from './initiate.js';
import { decodeWrapper, splitWrapperStream } from './wrapper.js';
import { decodeXdlms } from './xdlms.js';

/**
 * Every byte-level decoder of the codec with the vector-name prefixes that seed its
 * mutation fuzzing. Contract (fuzzed): returns a value or throws `DlmsDecodeError`.
 * Example: `DLMS_DECODERS.find((d) => d.name === 'axdr')!.decode(Uint8Array.of(0x03, 0x01))`
 * → `{ type: 'boolean', value: true }`.
 */
export interface DlmsDecoder {
  name: string;
  decode(bytes: Uint8Array): unknown;
  seedPrefixes: readonly string[];
  /** Extra seed inputs (hex) for decoders no vector holds on its own. */
  seedHex?: readonly string[];
}

export const DLMS_DECODERS: readonly DlmsDecoder[] = [
  { name: 'axdr', decode: (b) => decodeData(b), seedPrefixes: ['axdr.'] },
  { name: 'apdu', decode: decodeApdu, seedPrefixes: ['apdu.', 'neg.', 'gcm.glo'] },
  { name: 'acse', decode: decodeAcse, seedPrefixes: ['apdu.aarq', 'apdu.aare', 'apdu.rl'] },
  { name: 'xdlms', decode: decodeXdlms, seedPrefixes: ['apdu.get', 'apdu.action', 'gcm.glo'] },
  { name: 'hdlc-frame', decode: decodeHdlcFrame, seedPrefixes: ['hdlc.'] },
  { name: 'hdlc-stream', decode: splitHdlcStream, seedPrefixes: ['hdlc.'] },
  { name: 'hdlc-parameters', decode: decodeHdlcParameters, seedPrefixes: ['hdlc.ua'] },
  { name: 'wrapper', decode: decodeWrapper, seedPrefixes: ['wrapper.', 'gcm.live'] },
  { name: 'wrapper-stream', decode: splitWrapperStream, seedPrefixes: ['wrapper.', 'gcm.live'] },
  {
    name: 'initiate-request',
    decode: decodeInitiateRequest,
    seedPrefixes: [],
    seedHex: ['01000000065F1F0400007E1F04B0', '01000000065F1F0400401E1DFFFF'],
  },
  {
    name: 'initiate-response',
    decode: decodeInitiateResponse,
    seedPrefixes: [],
    seedHex: ['0800065F1F040000001802000007', '0800065F1F040040121D02000007'],
  },
];
