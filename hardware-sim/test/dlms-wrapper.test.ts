import { type Socket, connect } from 'node:net';
import { createSystemClock } from '@gridbill/shared/clock';
import { decodeApdu, decodeWrapper, encodeWrapper, fromHex } from '@gridbill/shared/dlms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetSchema } from '../src/fleet/fleet-schema.js';
import { type RunningFleet, startFleet } from '../src/runner/start-fleet.js';
import type { MeterView } from '../src/sim/meter-view.js';
import { api, silentLogger } from './helpers.js';

// AARQ, LN referencing, LLS password 'Gurux', reader client 17
// (vector apdu.aarq.ln.lls.gurux-password in /work/shared/dlms-vectors.json).
const AARQ =
  '6033A1090607608574050801018A0207808B0760857405080201AC0780054775727578' +
  'BE10040E01000000065F1F0400401E1DFFFF';
const READER = 17;
// GET-Request-Normal, invoke C1: class 3, 1.0.1.8.0.255 (+A), attribute 2 (value).
const GET_IMPORT = 'C001C100030100010800FF0200';

let fleet: RunningFleet;
let port: number;

beforeAll(async () => {
  const meters = [1, 2].map((n) => ({
    id: `d${n}`,
    protocol: 'dlms',
    transport: 'wrapper',
    port: 0,
    serverAddress: n,
    load: { kW: n },
  }));
  fleet = await startFleet({
    fleet: fleetSchema.parse({ seed: 2, startTime: '2026-03-02T00:00:00Z', speed: 0, meters }),
    baseClock: createSystemClock(),
    logger: silentLogger,
    controlPort: 0,
  });
  port = fleet.endpoints.find((e) => e.protocol === 'dlms')!.port!;
  await api(fleet.controlPort, '/api/clock', { method: 'POST', body: '{"jumpS":3600}' });
});

afterAll(() => fleet?.close());

function exchange(socket: Socket, destination: number, apduHex: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), 1500);
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 8 && buffer.length >= 8 + buffer.readUInt16BE(6)) {
        socket.off('data', onData);
        clearTimeout(timer);
        resolve(decodeWrapper(new Uint8Array(buffer)).apdu);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(encodeWrapper({ source: READER, destination, apdu: fromHex(apduHex) }));
  });
}

describe('DLMS wrapper meters backed by the meter model', () => {
  it('serve +A per server address, equal to the control API', async () => {
    for (const address of [1, 2]) {
      const socket = connect(port, '127.0.0.1');
      try {
        const aare = decodeApdu(await exchange(socket, address, AARQ));
        expect(aare).toMatchObject({ kind: 'aare', result: 0 });
        const response = decodeApdu(await exchange(socket, address, GET_IMPORT));
        const view = (await api<MeterView>(fleet.controlPort, `/api/meters/d${address}`)).body;
        expect(view.registers.importWh).toBe(address * 1000);
        expect(response).toMatchObject({
          kind: 'get-response-normal',
          result: { data: { value: view.registers.importWh } },
        });
      } finally {
        socket.destroy();
      }
    }
  });
});

describe('DLMS faults through the wrapper port', () => {
  const inject = (id: string, body: object) =>
    api(fleet.controlPort, `/api/meters/${id}/faults`, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  async function session(address: number) {
    const socket = connect(port, '127.0.0.1');
    expect(decodeApdu(await exchange(socket, address, AARQ))).toMatchObject({ result: 0 });
    return socket;
  }

  it('access denied, corrupted and silent meters, each only for its own address', async () => {
    const s1 = await session(1);
    const s2 = await session(2);
    try {
      await inject('d1', { kind: 'dlms-access-denied', durationS: 600 });
      const denied = decodeApdu(await exchange(s1, 1, GET_IMPORT));
      expect(denied).toMatchObject({ kind: 'get-response-normal', result: { error: 3 } });
      const fresh = connect(port, '127.0.0.1');
      const refused = decodeApdu(await exchange(fresh, 1, AARQ));
      fresh.destroy();
      expect(refused).toMatchObject({ kind: 'aare', result: 1, diagnostic: { value: 13 } });
      const fine = decodeApdu(await exchange(s2, 2, GET_IMPORT));
      expect(fine).toMatchObject({ result: { data: { value: 2000 } } });
      await inject('d2', { kind: 'corrupt-frames' });
      const garbled = await exchange(s2, 2, GET_IMPORT);
      // the last APDU byte (the value's low byte) is inverted: 2000 no longer decodes
      expect(() =>
        expect(decodeApdu(garbled)).toMatchObject({ result: { data: { value: 2000 } } }),
      ).toThrow();
      await inject('d2', { kind: 'no-answer' });
      await expect(exchange(s2, 2, GET_IMPORT)).rejects.toThrow(/no answer/);
    } finally {
      s1.destroy();
      s2.destroy();
      for (const id of ['d1', 'd2'])
        await api(fleet.controlPort, `/api/meters/${id}/faults`, { method: 'DELETE' });
    }
    const s3 = await session(1);
    expect(decodeApdu(await exchange(s3, 1, GET_IMPORT))).toMatchObject({
      result: { data: { value: 1000 } },
    });
    s3.destroy();
  });
});
