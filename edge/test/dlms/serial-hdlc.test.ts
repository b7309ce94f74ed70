import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDlmsClient } from '../../src/dlms/index.js';
import { clientOptions, DAY_START_MS, loadSim, METER_NOW_MS } from './support.js';

/** A socat PTY pair plays the RS-485 / optical line: meter on one end, client on the other. */
describe('DLMS client ↔ simulator server over serial HDLC (socat PTY pair)', () => {
  let socat: ChildProcess | undefined;
  let dir = '';
  let server: { close(): Promise<void> } | undefined;
  let meter: { relayState(): { outputState: boolean } };
  const where = () => ({
    transport: 'hdlc-serial' as const,
    serialPath: join(dir, 'client'),
    baudRate: 9600,
    lockSerial: false,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridbill-dlms-pty-'));
    socat = spawn('socat', [
      `pty,raw,echo=0,link=${join(dir, 'meter')}`,
      `pty,raw,echo=0,link=${join(dir, 'client')}`,
    ]);
    for (
      let i = 0;
      i < 100 && !(existsSync(join(dir, 'meter')) && existsSync(join(dir, 'client')));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const sim = await loadSim();
    const m = sim.createMemoryMeter({
      serial: 'PTY0001',
      clockMs: () => METER_NOW_MS,
      profileStartMs: DAY_START_MS,
    });
    meter = m;
    server = await sim.startDlmsServer({
      backend: (a) => (a === 1 ? m : undefined),
      transport: 'hdlc-serial',
      serialPath: join(dir, 'meter'),
      baudRate: 9600,
    });
  });

  afterAll(async () => {
    await server?.close();
    socat?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('public client reads the clock; LLS reader reads a register', async () => {
    const pub = await openDlmsClient(await clientOptions('none', where()));
    try {
      expect((await pub.get(8, '0.0.1.0.0.255', 2)).type).toBe('octet-string');
    } finally {
      await pub.close();
    }
    const reader = await openDlmsClient(await clientOptions('low', where()));
    try {
      expect((await reader.get(3, '1.0.1.8.0.255', 3)).type).toBe('structure');
    } finally {
      await reader.close();
    }
  });

  it('HLS-GMAC: profile by range, disconnect and reconnect with read-back', async () => {
    const client = await openDlmsClient(await clientOptions('high-gmac', where()));
    try {
      const rows = await client.readProfile(
        '1.0.99.1.0.255',
        DAY_START_MS,
        DAY_START_MS + 6 * 3_600_000,
      );
      expect(rows.rows).toHaveLength(25);
      await client.action(70, '0.0.96.3.10.255', 1, { type: 'integer', value: 0 });
      expect(await client.get(70, '0.0.96.3.10.255', 2)).toEqual({ type: 'boolean', value: false });
      expect(meter.relayState().outputState).toBe(false);
      await client.action(70, '0.0.96.3.10.255', 2, { type: 'integer', value: 0 });
      expect(await client.get(70, '0.0.96.3.10.255', 2)).toEqual({ type: 'boolean', value: true });
    } finally {
      await client.close();
    }
  });
});
