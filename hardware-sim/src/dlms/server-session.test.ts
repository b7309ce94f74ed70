import {
  type Apdu,
  decodeApdu,
  decodeData,
  encodeApdu,
  fromHex,
  parseObis,
  type XdlmsApdu,
} from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { createMemoryMeter } from './memory-meter.js';
import { buildObjectModel } from './object-model.js';
import { DEFAULT_METER_SECURITY } from './server.js';
import { memoryCounters } from './server-security.js';
import { DlmsServerSession } from './server-session.js';

const START = Date.UTC(2026, 10, 27);
const NOW = START + 86_400_000;

function session(clientSap: number, maxPduBytes = 256) {
  const meter = createMemoryMeter({ serial: 'S1', clockMs: () => NOW, profileStartMs: START });
  const counters = memoryCounters();
  const objects = buildObjectModel(
    meter,
    {
      clientSystemTitle: () => new Uint8Array(8),
      serverSystemTitle: DEFAULT_METER_SECURITY.systemTitle,
    },
    () => counters.lowestClientIc(),
  );
  const s = new DlmsServerSession({
    clientSap,
    objects,
    security: DEFAULT_METER_SECURITY,
    counters,
    random: () => new Uint8Array(16).fill(1),
    maxPduBytes,
  });
  const send = (apdu: Apdu) => decodeApdu(s.handle(encodeApdu(apdu))!);
  return { s, meter, send };
}

const AARQ_NONE = fromHex('601DA109060760857405080101BE10040E01000000065F1F0400401E1DFFFF');
const AARQ_LLS = fromHex(
  '6033A1090607608574050801018A0207808B0760857405080201AC0780054775727578' +
    'BE10040E01000000065F1F0400401E1DFFFF',
);
const get = (classId: number, obis: string, attributeId: number, invokeId = 0xc1): Apdu => ({
  kind: 'get-request-normal',
  invokeId,
  request: { attribute: { classId, obis: parseObis(obis), attributeId } },
});

describe('DLMS server session', () => {
  it('answers the Gurux AARQ (auth none, client 16) with an accepted AARE', () => {
    const { s } = session(16);
    const aare = decodeApdu(s.handle(AARQ_NONE)!);
    expect(aare).toMatchObject({
      kind: 'aare',
      result: 0,
      diagnostic: { source: 'user', value: 0 },
    });
    expect(s.state).toBe('associated');
  });

  it('refuses service before association and LLS on the public SAP', () => {
    const { s, send } = session(16);
    expect(send(get(8, '0.0.1.0.0.255', 2))).toMatchObject({
      kind: 'exception-response',
      stateError: 1,
    });
    const aare = decodeApdu(s.handle(AARQ_LLS)!);
    expect(aare).toMatchObject({ kind: 'aare', result: 1, diagnostic: { value: 11 } });
  });

  it('data-access results: undefined object 4, denied 3, unavailable attribute 4', () => {
    const { s, send } = session(16);
    s.handle(AARQ_NONE);
    expect(send(get(3, '9.9.9.9.9.9', 2))).toMatchObject({ result: { error: 4 } });
    expect(send(get(3, '1.0.1.8.0.255', 2))).toMatchObject({ result: { error: 3 } });
    expect(send(get(8, '0.0.1.0.0.255', 99))).toMatchObject({ result: { error: 4 } });
  });

  it('GET block transfer: blocks 1..n, last flagged, reassembly = the whole buffer', () => {
    const { s, send } = session(17, 256);
    s.handle(AARQ_LLS);
    let answer = send(get(7, '1.0.99.1.0.255', 2)) as XdlmsApdu;
    const parts: Uint8Array[] = [];
    for (let n = 1; answer.kind === 'get-response-with-datablock'; n++) {
      expect(answer.blockNumber).toBe(n);
      if (!('raw' in answer.result)) throw new Error('block error');
      parts.push(answer.result.raw);
      expect(encodeApdu(answer).length).toBeLessThanOrEqual(256);
      if (answer.lastBlock) break;
      answer = send({ kind: 'get-request-next', invokeId: 0xc1, blockNumber: n }) as XdlmsApdu;
    }
    expect(parts.length).toBeGreaterThan(10);
    const buffer = decodeData(Buffer.concat(parts));
    expect(buffer.type === 'array' && buffer.items.length).toBe(97);
  });

  it('GET-next with a wrong block number aborts the transfer (data-block-number-invalid)', () => {
    const { s, send } = session(17, 256);
    s.handle(AARQ_LLS);
    send(get(7, '1.0.99.1.0.255', 2));
    const answer = send({ kind: 'get-request-next', invokeId: 0xc1, blockNumber: 5 });
    expect(answer).toMatchObject({ lastBlock: true, result: { error: 19 } });
    const again = send({ kind: 'get-request-next', invokeId: 0xc1, blockNumber: 1 });
    expect(again).toMatchObject({ result: { error: 16 } });
  });

  it('profile by entry: rows 2..3, columns 1..2', () => {
    const { s, send } = session(17, 4096);
    s.handle(AARQ_LLS);
    const u32 = (value: number) => ({ type: 'double-long-unsigned' as const, value });
    const u16 = (value: number) => ({ type: 'long-unsigned' as const, value });
    const answer = send({
      kind: 'get-request-normal',
      invokeId: 0xc1,
      request: {
        attribute: { classId: 7, obis: parseObis('1.0.99.1.0.255'), attributeId: 2 },
        access: {
          selector: 2,
          parameters: { type: 'structure', items: [u32(2), u32(3), u16(1), u16(2)] },
        },
      },
    });
    if (answer.kind !== 'get-response-normal' || !('data' in answer.result))
      throw new Error('no data');
    const rows = answer.result.data;
    expect(
      rows.type === 'array' && rows.items.map((r) => r.type === 'structure' && r.items.length),
    ).toEqual([2, 2]);
  });

  it('reader (LLS) may not run remote_disconnect; the relay does not move', () => {
    const { s, send, meter } = session(17);
    s.handle(AARQ_LLS);
    const answer = send({
      kind: 'action-request-normal',
      invokeId: 0xc1,
      method: { classId: 70, obis: parseObis('0.0.96.3.10.255'), methodId: 1 },
      parameters: { type: 'integer', value: 0 },
    });
    expect(answer).toMatchObject({ kind: 'action-response-normal', result: 3 });
    expect(meter.relayState().outputState).toBe(true);
  });

  it('management SAP refuses an unciphered AARQ (context not supported)', () => {
    const { s } = session(1);
    expect(decodeApdu(s.handle(AARQ_NONE)!)).toMatchObject({ result: 1, diagnostic: { value: 2 } });
  });

  it('garbage in → exception-response, never a crash', () => {
    const { s } = session(16);
    expect(decodeApdu(s.handle(fromHex('C401'))!)).toMatchObject({ kind: 'exception-response' });
  });
});
