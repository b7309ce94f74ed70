import { connect } from 'node:net';
import { createSystemClock } from '@gridbill/shared/clock';
import { decodeHdlcFrame, fromHex } from '@gridbill/shared/dlms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetSchema } from '../src/fleet/fleet-schema.js';
import { type RunningFleet, startFleet } from '../src/runner/start-fleet.js';
import { api, silentLogger } from './helpers.js';

// SNRM from client 16 to server 1 (example of shared/src/dlms/hdlc-frame.ts).
const SNRM = '7EA0070321930F017E';
let fleet: RunningFleet;

beforeAll(async () => {
  const meters = [{ id: 'h1', protocol: 'dlms', transport: 'hdlc', port: 0, serverAddress: 1 }];
  fleet = await startFleet({
    fleet: fleetSchema.parse({ seed: 4, speed: 0, meters }),
    baseClock: createSystemClock(),
    logger: silentLogger,
    controlPort: 0,
  });
});
afterAll(() => fleet?.close());

function firstReply(port: number, hex: string): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 1500);
    socket.once('data', (d: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(new Uint8Array(d));
    });
    socket.write(fromHex(hex));
  });
}

describe('DLMS HDLC over TCP through the fault proxy', () => {
  it('answers SNRM with UA; silent under no-answer; bad FCS under corrupt-frames', async () => {
    const port = fleet.endpoints[0]!.port!;
    const ua = await firstReply(port, SNRM);
    expect(decodeHdlcFrame(ua!)).toMatchObject({ control: 0x73, source: { upper: 1 } });
    const post = (body: object) =>
      api(fleet.controlPort, '/api/meters/h1/faults', {
        method: 'POST',
        body: JSON.stringify(body),
      });
    await post({ kind: 'no-answer', durationS: 60 });
    expect(await firstReply(port, SNRM)).toBeUndefined();
    await api(fleet.controlPort, '/api/meters/h1/faults', { method: 'DELETE' });
    await post({ kind: 'corrupt-frames' });
    const bad = await firstReply(port, SNRM);
    expect(bad?.length).toBe(ua!.length);
    expect(() => decodeHdlcFrame(bad!)).toThrow(/FCS|check/i);
  });
});
