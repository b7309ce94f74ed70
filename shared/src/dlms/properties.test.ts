import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAcse, encodeAcse } from './acse.js';
import { acseArb, hdlcFrameArb, valueArb, xdlmsArb } from './arbitraries.test-support.js';
import { DATA_TAGS, decodeData, encodeData } from './axdr.js';
import { decodeHdlcFrame, encodeHdlcFrame, splitHdlcStream } from './hdlc-frame.js';
import { decodeHdlcParameters, encodeHdlcParameters } from './hdlc-params.js';
import { decodeInitiateRequest, encodeInitiateRequest } from './initiate.js';
import { formatObis, parseObis } from './obis.js';
import { decryptPayload, encryptPayload } from './security.js';
import { decodeWrapper, encodeWrapper } from './wrapper.js';
import { decodeXdlms, encodeXdlms, XDLMS_KINDS } from './xdlms.js';

const RUNS = { numRuns: 400, seed: 11 };

describe('encode then decode is the identity', () => {
  it('A-XDR values of every type (nested structures and arrays)', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(decodeData(encodeData(v))).toEqual(v);
      }),
      RUNS,
    );
  });

  it('xDLMS APDUs (GET/SET/ACTION, blocks, lists, exceptions, notifications, ciphered)', () => {
    fc.assert(
      fc.property(xdlmsArb, (a) => {
        expect(decodeXdlms(encodeXdlms(a))).toEqual(a);
      }),
      RUNS,
    );
  });

  it('the value generator covers every A-XDR type tag', () => {
    const seen = new Set(fc.sample(valueArb, { numRuns: 3000, seed: 2 }).map((v) => v.type));
    expect(Object.keys(DATA_TAGS).filter((t) => !seen.has(t as keyof typeof DATA_TAGS))).toEqual(
      [],
    );
  });

  it('the APDU generator covers every xDLMS kind of the codec table', () => {
    const seen = new Set(fc.sample(xdlmsArb, { numRuns: 3000, seed: 1 }).map((a) => a.kind));
    expect([...XDLMS_KINDS].filter((k) => !seen.has(k))).toEqual([]);
  });

  it('ACSE AARQ / AARE / RLRQ / RLRE', () => {
    fc.assert(
      fc.property(acseArb, (a) => {
        expect(decodeAcse(encodeAcse(a))).toEqual(a);
      }),
      RUNS,
    );
  });

  it('HDLC frames (1/2/4-byte addresses, any control, segmentation bit)', () => {
    fc.assert(
      fc.property(hdlcFrameArb, (f) => {
        const bytes = encodeHdlcFrame(f);
        expect(decodeHdlcFrame(bytes)).toEqual(f);
        const stream = splitHdlcStream(Uint8Array.of(0x00, ...bytes, ...bytes, 0x7e));
        expect(stream.frames).toHaveLength(2);
      }),
      RUNS,
    );
  });

  it('HDLC parameters, InitiateRequest, wrapper, OBIS', () => {
    const u = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(
        fc.record({
          maxInfoTransmit: u(2 ** 32 - 1),
          maxInfoReceive: u(2 ** 32 - 1),
          windowTransmit: u(7),
          windowReceive: u(7),
        }),
        fc.record({
          dedicatedKey: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), {
            nil: undefined,
          }),
          responseAllowed: fc.option(fc.boolean(), { nil: undefined }),
          proposedQos: fc.option(u(255), { nil: undefined }),
          dlmsVersion: u(255),
          conformance: u(0xffffff),
          maxPduSize: u(0xffff),
        }),
        fc.record({ source: u(0xffff), destination: u(0xffff), apdu: fc.uint8Array() }),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        (params, init, wrapper, obis) => {
          expect(decodeHdlcParameters(encodeHdlcParameters(params))).toEqual(params);
          expect(decodeInitiateRequest(encodeInitiateRequest(init))).toEqual(init);
          expect(decodeWrapper(encodeWrapper(wrapper))).toEqual(wrapper);
          expect(parseObis(formatObis(obis))).toEqual(obis);
        },
      ),
      RUNS,
    );
  });

  it('suite 0 ciphering for SC 10 / 20 / 30; a flipped bit fails authentication', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x10, 0x20, 0x30),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (sc, plain, ic) => {
          const input = {
            securityControl: sc,
            systemTitle: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
            invocationCounter: ic,
            blockCipherKey: new Uint8Array(16).fill(7),
            authenticationKey: new Uint8Array(16).fill(9),
          };
          const sealed = encryptPayload(input, plain);
          expect(decryptPayload(input, sealed)).toEqual(plain);
          if (sc !== 0x20) {
            sealed[0]! ^= 1;
            expect(() => decryptPayload(input, sealed)).toThrow(/tag mismatch/);
          }
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});
