import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { decodeHdlcFrame, fromHex } from '@gridbill/shared/dlms';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetSchema } from '../src/fleet/fleet-schema.js';
import { type RunningFleet, startFleet } from '../src/runner/start-fleet.js';
import { silentLogger } from './helpers.js';

let fleet: RunningFleet;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridbill-hdlc-'));
  const meters = [
    {
      id: 's1',
      protocol: 'dlms',
      transport: 'hdlc-serial',
      ptyLink: join(dir, 'bus'),
      serverAddress: 1,
    },
  ];
  fleet = await startFleet({
    fleet: fleetSchema.parse({ seed: 5, speed: 0, meters }),
    baseClock: createSystemClock(),
    logger: silentLogger,
    controlPort: 0,
  });
});

afterAll(async () => {
  await fleet?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DLMS HDLC on a serial line (socat PTY pair)', () => {
  it('answers SNRM with UA from server 1', async () => {
    const port = new SerialPort({ path: join(dir, 'bus'), baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    try {
      const reply = new Promise<Uint8Array>((resolve) => {
        let buf = Buffer.alloc(0);
        port.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          if (buf.length > 3 && buf.length >= (((buf[1]! & 7) << 8) | buf[2]!) + 2) resolve(buf);
        });
      });
      port.write(Buffer.from(fromHex('7EA0070321930F017E')));
      const ua = await Promise.race([
        reply,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000)),
      ]);
      expect(ua, 'no UA within 3 s').toBeDefined();
      expect(decodeHdlcFrame(ua!)).toMatchObject({ control: 0x73, source: { upper: 1 } });
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });
});
