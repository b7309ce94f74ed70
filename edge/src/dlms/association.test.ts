import { fromHex } from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { acceptAare, buildAarq } from './association.js';
import { DlmsAssociationRejectedError, DlmsProtocolError } from './errors.js';

const none = { auth: 'none' as const, maxPduSize: 0xffff, random: () => new Uint8Array(16) };

describe('client association variants', () => {
  it('auth none AARQ = vector apdu.aarq.ln.none.gurux', async () => {
    const { bytes } = await buildAarq(none);
    expect(Buffer.from(bytes).toString('hex').toUpperCase()).toBe(
      '601DA109060760857405080101BE10040E01000000065F1F0400401E1DFFFF',
    );
  });

  it('builds the LLS AARQ of vector apdu.aarq.ln.lls.gurux-password', async () => {
    const { bytes } = await buildAarq({ ...none, auth: 'low', password: 'Gurux' });
    expect(Buffer.from(bytes).toString('hex').toUpperCase()).toBe(
      '6033A1090607608574050801018A0207808B0760857405080201AC0780054775727578' +
        'BE10040E01000000065F1F0400401E1DFFFF',
    );
  });

  it('accepts the AARE of vector apdu.aare.ln.accepted.lls', () => {
    const aare = fromHex(
      '6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F0400001E1D02000007',
    );
    expect(acceptAare(aare, none).initiate).toMatchObject({
      conformance: 0x001e1d,
      maxPduSize: 0x200,
    });
  });

  it('L+G rejected AARE without user-information → rejected error with diagnostic 13', () => {
    const lg = fromHex('6117A109060760857405080101A203020101A305A10302010D');
    const err = (() => {
      try {
        acceptAare(lg, none);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DlmsAssociationRejectedError);
    expect((err as DlmsAssociationRejectedError).diagnosticName).toBe('authentication-failure');
  });

  it('EXCEPTION-Response to the AARQ carries the expected invocation counter', () => {
    expect(() => acceptAare(fromHex('D801060000000F'), none)).toThrow(DlmsProtocolError);
    try {
      acceptAare(fromHex('D801060000000F'), none);
    } catch (e) {
      expect((e as DlmsProtocolError).expectedInvocationCounter).toBe(15);
    }
  });
});
