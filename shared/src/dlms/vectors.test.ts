import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAcse } from './acse.js';
import { decodeApdu, encodeApdu } from './apdu.js';
import { decodeData, encodeData } from './axdr.js';
import { fromHex, toHex } from './byte-reader.js';
import { crc16x25 } from './crc16.js';
import { DlmsDecodeError } from './errors.js';
import { decodeControl } from './hdlc-control.js';
import { decodeHdlcFrame, encodeHdlcFrame } from './hdlc-frame.js';
import { decodeHdlcParameters, encodeHdlcParameters } from './hdlc-params.js';
import { decodeInitiateRequest, decodeInitiateResponse } from './initiate.js';
import { decryptPayload, encryptPayload, hlsGmacResponse } from './security.js';
import { decodeWrapper, encodeWrapper } from './wrapper.js';
import { decodeXdlms } from './xdlms.js';

interface Vector {
  name: string;
  hex: string;
  meaning: string;
}
const file = JSON.parse(
  readFileSync(new URL('../../test/fixtures/dlms/dlms-vectors.json', import.meta.url), 'utf8'),
) as { keys: Record<string, string>; vectors: Vector[] };
const keys = {
  blockCipherKey: fromHex(file.keys.EK_global_unicast!),
  authenticationKey: fromHex(file.keys.AK!),
};
const vectors = file.vectors;
const negative = (v: Vector) => /^(NEGATIVE|MALFORMED)/.test(v.meaning);

/** Decodes and re-encodes one APDU, returning the decoded form. */
function roundTripApdu(hex: string) {
  const apdu = decodeApdu(fromHex(hex));
  expect(toHex(encodeApdu(apdu))).toBe(hex);
  return apdu;
}

function roundTripHdlc(hex: string) {
  const frame = decodeHdlcFrame(fromHex(hex));
  expect(toHex(encodeHdlcFrame(frame))).toBe(hex);
  const control = decodeControl(frame.control);
  expect(control).toBeDefined();
  const info = frame.information;
  if (control?.type === 'I') {
    expect([0xe6]).toContain(info[0]);
    roundTripApdu(toHex(info.subarray(3)));
  } else if (info.length > 0) {
    expect(toHex(encodeHdlcParameters(decodeHdlcParameters(info)))).toBe(toHex(info));
  }
  return frame;
}

function liveSystemTitle(v: Vector): Uint8Array {
  const server = v.name.includes('response') || v.name.includes('server-reply');
  return fromHex(
    server ? file.keys.live_server_system_title! : file.keys.live_client_system_title!,
  );
}

function checkGcm(v: Vector): void {
  if (v.name.startsWith('gcm.hls5')) {
    const st = fromHex('4D4D4D0000000001');
    const reply = hlsGmacResponse(keys, st, 1, new TextEncoder().encode('P6wRJ21F'));
    expect(toHex(reply)).toBe(v.hex);
    return;
  }
  const bytes = fromHex(v.hex);
  const apduBytes = v.name.startsWith('gcm.live') ? decodeWrapper(bytes).apdu : bytes;
  const apdu = roundTripApdu(toHex(apduBytes));
  if (apdu.kind !== 'ciphered' && apdu.kind !== 'general-glo-ciphering') throw new Error(v.name);
  const systemTitle =
    apdu.kind === 'general-glo-ciphering'
      ? apdu.systemTitle
      : fromHex(file.keys.greenbook_system_title!);
  const input = { ...keys, ...apdu, systemTitle };
  const plain = decryptPayload(input, apdu.payload);
  expect(toHex(encryptPayload(input, plain))).toBe(toHex(apdu.payload));
  if (apdu.kind === 'general-glo-ciphering') {
    expect(toHex(systemTitle)).toBe(toHex(liveSystemTitle(v)));
  }
  roundTripApdu(toHex(plain));
}

describe('dlms-vectors.json', () => {
  it('has the 87 vectors the reference describes', () => {
    expect(vectors).toHaveLength(87);
  });

  for (const v of vectors.filter((x) => !negative(x))) {
    it(`${v.name} decodes and re-encodes byte-exact`, () => {
      const group = v.name.split('.')[0];
      if (group === 'hdlc') roundTripHdlc(v.hex);
      else if (group === 'wrapper') {
        const w = decodeWrapper(fromHex(v.hex));
        expect(toHex(encodeWrapper(w))).toBe(v.hex);
        roundTripApdu(toHex(w.apdu));
      } else if (group === 'apdu') roundTripApdu(v.hex);
      else if (group === 'axdr') expect(toHex(encodeData(decodeData(fromHex(v.hex))))).toBe(v.hex);
      else if (group === 'gcm') checkGcm(v);
      else if (group === 'crc16-x25') expect(crc16x25(fromHex(v.hex))).toBe(0x906e);
      else throw new Error(`unclassified vector ${v.name}`);
    });
  }

  for (const v of vectors.filter(negative)) {
    it(`${v.name} is rejected with a typed error`, () => {
      expect(() => decodeApdu(fromHex(v.hex))).toThrow(DlmsDecodeError);
    });
  }
});

describe('vector meanings', () => {
  const hex = (name: string) => vectors.find((v) => v.name === name)!.hex;

  it('AARE from L+G without user-information decodes as rejected authentication-failure', () => {
    const frame = decodeHdlcFrame(fromHex(hex('hdlc.i.aare.rejected.lg')));
    expect(frame.source).toEqual({ upper: 1, lower: 0, byteLength: 2 });
    const aare = decodeAcse(frame.information.subarray(3));
    expect(aare).toMatchObject({ kind: 'aare', result: 1 });
    if (aare.kind !== 'aare') throw new Error('not aare');
    expect(aare.diagnostic).toEqual({ source: 'user', value: 13 });
    expect(aare.userInformation).toBeUndefined();
  });

  it('Green Book AARQ carries InitiateRequest with conformance 0x007E1F, max PDU 1200', () => {
    const aarq = decodeAcse(fromHex(hex('apdu.aarq.ln.none.greenbook')));
    if (aarq.kind !== 'aarq' || !aarq.userInformation) throw new Error('no user info');
    expect(decodeInitiateRequest(aarq.userInformation)).toMatchObject({
      dlmsVersion: 6,
      conformance: 0x007e1f,
      maxPduSize: 1200,
    });
  });

  it('live HLS-GMAC AARE: glo-initiate-response decrypts to InitiateResponse', () => {
    const aare = decodeAcse(fromHex(hex('apdu.aare.ln-ciphered.hls-gmac.live')));
    if (aare.kind !== 'aare' || !aare.userInformation) throw new Error('no user info');
    expect(aare.diagnostic.value).toBe(14);
    const glo = decodeXdlms(aare.userInformation);
    if (glo.kind !== 'ciphered') throw new Error('not ciphered');
    const plain = decryptPayload(
      { ...keys, ...glo, systemTitle: aare.respondingApTitle! },
      glo.payload,
    );
    expect(toHex(plain)).toBe('0800065F1F040040121D02000007');
    expect(decodeInitiateResponse(plain).conformance).toBe(0x40121d);
  });

  it('UA parameters of the 2-byte-address meter are 154 bytes, window 1', () => {
    const ua = decodeHdlcFrame(fromHex(hex('hdlc.ua.server1-phys17-client16.params')));
    expect(decodeHdlcParameters(ua.information)).toEqual({
      maxInfoTransmit: 154,
      maxInfoReceive: 154,
      windowTransmit: 1,
      windowReceive: 1,
    });
  });

  it('exception-response carries the expected invocation counter 15', () => {
    expect(decodeApdu(fromHex(hex('apdu.exception-response.invocation-counter')))).toEqual({
      kind: 'exception-response',
      stateError: 1,
      serviceError: 6,
      invocationCounter: 15,
    });
  });
});
