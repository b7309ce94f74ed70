import {
  cosemDateTimeToUtcMs,
  decodeCosemDateTime,
  encodeCosemDateTime,
  parseObis,
  utcMsToCosemDateTime,
} from '@gridbill/shared/dlms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DlmsAccessDeniedError,
  DlmsAssociationRejectedError,
  DlmsProtocolError,
  openDlmsClient,
} from '../../src/dlms/index.js';
import { clientOptions, DAY_START_MS, loadSim, METER_NOW_MS } from './support.js';

const CLOCK = '0.0.1.0.0.255';
const IMPORT_WH = '1.0.1.8.0.255';
const PROFILE = '1.0.99.1.0.255';
const RELAY = '0.0.96.3.10.255';

for (const transport of ['wrapper', 'hdlc'] as const) {
  describe(`DLMS client ↔ simulator server over TCP (${transport})`, () => {
    let server: { port: number; close(): Promise<void> };
    let meter: Awaited<ReturnType<typeof makeMeter>>;
    const where = () => ({ transport, port: server.port });

    async function makeMeter() {
      const sim = await loadSim();
      const m = sim.createMemoryMeter({
        serial: 'SIM0001',
        clockMs: () => METER_NOW_MS,
        profileStartMs: DAY_START_MS,
      });
      return { sim, m };
    }

    beforeAll(async () => {
      meter = await makeMeter();
      server = await meter.sim.startDlmsServer({
        backend: (address) => (address === 1 ? meter.m : undefined),
        transport,
        port: 0,
        maxPduBytes: 512,
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('public client (no auth) reads the clock; registers are denied', async () => {
      const client = await openDlmsClient(await clientOptions('none', where()));
      try {
        const time = await client.get(8, CLOCK, 2);
        if (time.type !== 'octet-string') throw new Error(time.type);
        expect(cosemDateTimeToUtcMs(decodeCosemDateTime(time.value))).toBe(METER_NOW_MS);
        await expect(client.get(3, IMPORT_WH, 2)).rejects.toBeInstanceOf(DlmsAccessDeniedError);
        await expect(client.action(70, RELAY, 1, { type: 'integer', value: 0 })).rejects.toThrow(
          /access denied.*read-write-denied/,
        );
      } finally {
        await client.close();
      }
    });

    it('reader (LLS) reads a register with scaler/unit', async () => {
      const client = await openDlmsClient(await clientOptions('low', where()));
      try {
        const value = await client.get(3, IMPORT_WH, 2);
        const expected = meter.m.readRegister(IMPORT_WH)!.value;
        expect(value).toEqual({ type: 'double-long-unsigned', value: Number(expected) });
        expect(await client.get(3, IMPORT_WH, 3)).toEqual({
          type: 'structure',
          items: [
            { type: 'integer', value: 0 },
            { type: 'enum', value: 30 },
          ],
        });
      } finally {
        await client.close();
      }
    });

    it('LLS with a wrong password is rejected with diagnostic authentication-failure', async () => {
      const options = { ...(await clientOptions('low', where())), password: 'wrong' };
      const err = await openDlmsClient(options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DlmsAssociationRejectedError);
      expect((err as DlmsAssociationRejectedError).diagnostic).toBe(13);
      expect((err as Error).message).toMatch(/authentication-failure/);
    });

    it('management (HLS-GMAC) reads a day of profile and switches the relay', async () => {
      const client = await openDlmsClient(await clientOptions('high-gmac', where()));
      try {
        const from = DAY_START_MS;
        const to = DAY_START_MS + 86_400_000 - 900_000;
        const profile = await client.readProfile(PROFILE, from, to);
        expect(profile.columns.map((c) => c.obis)).toEqual([
          CLOCK,
          '1.0.1.8.0.255',
          '1.0.2.8.0.255',
          '1.0.3.8.0.255',
          '1.0.4.8.0.255',
        ]);
        expect(profile.rows).toHaveLength(96);
        expect(profile.rows[4]!.timestampMs).toBe(DAY_START_MS + 3_600_000);
        expect(profile.rows[4]!.values[4]).toEqual({ type: 'double-long-unsigned', value: 520 });

        const again = await client.readProfile(PROFILE, from, from, {}, profile.columns);
        expect(again.rows).toHaveLength(1);
        const entries = await client.readProfileEntries(PROFILE, 2, 4);
        expect(entries.rows.map((r) => r.timestampMs)).toEqual(
          [1, 2, 3].map((i) => from + i * 900_000),
        );

        const clock = await client.get(8, CLOCK, 2);
        await client.set(8, CLOCK, 2, clock);
        await client.action(70, RELAY, 1, { type: 'integer', value: 0 });
        expect(await client.get(70, RELAY, 2)).toEqual({ type: 'boolean', value: false });
        expect(await client.get(70, RELAY, 3)).toEqual({ type: 'enum', value: 0 });
        expect(meter.m.relayState().outputState).toBe(false);
        await client.action(70, RELAY, 2, { type: 'integer', value: 0 });
        expect(await client.get(70, RELAY, 2)).toEqual({ type: 'boolean', value: true });
        expect(await client.get(70, RELAY, 3)).toEqual({ type: 'enum', value: 1 });
      } finally {
        await client.close();
      }
    });

    it('HLS-GMAC with a dedicated key (ded-ciphering) reads and acts', async () => {
      const base = await clientOptions('high-gmac', where(), 5000);
      const dedicatedKey = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
      const client = await openDlmsClient({ ...base, keys: { ...base.keys!, dedicatedKey } });
      try {
        expect((await client.get(8, CLOCK, 2)).type).toBe('octet-string');
        await client.action(70, RELAY, 2, { type: 'integer', value: 0 });
        expect(await client.get(70, RELAY, 2)).toEqual({ type: 'boolean', value: true });
      } finally {
        await client.close();
      }
    });

    it('HLS-GMAC with a stale invocation counter gets the expected counter back', async () => {
      const err = await openDlmsClient(await clientOptions('high-gmac', where(), 1)).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DlmsProtocolError);
      expect((err as DlmsProtocolError).expectedInvocationCounter).toBeGreaterThan(1);
      expect((err as Error).message).toMatch(/invocation-counter-error/);
    });
  });
}

describe('long values and lists (server max APDU 24 bytes, wrapper)', () => {
  let server: { port: number; close(): Promise<void> };
  beforeAll(async () => {
    const sim = await loadSim();
    const meter = sim.createMemoryMeter({
      serial: 'SMALL01',
      clockMs: () => METER_NOW_MS,
      profileStartMs: DAY_START_MS,
    });
    server = await sim.startDlmsServer({
      backend: () => meter,
      transport: 'wrapper',
      port: 0,
      maxPduBytes: 24,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('SET / ACTION longer than the meter PDU go in blocks; GET-with-list', async () => {
    const client = await openDlmsClient(
      await clientOptions('high-gmac', { transport: 'wrapper', port: server.port }),
    );
    try {
      expect(client.serverMaxPduSize).toBe(24);
      const later = utcMsToCosemDateTime(METER_NOW_MS + 3_600_000);
      const value = { type: 'octet-string' as const, value: encodeCosemDateTime(later) };
      await client.set(8, CLOCK, 2, value);
      expect(await client.get(8, CLOCK, 2)).toEqual(value);
      const results = await client.getMany([
        { attribute: { classId: 70, obis: parseObis(RELAY), attributeId: 2 } },
        { attribute: { classId: 3, obis: parseObis('9.9.9.9.9.9'), attributeId: 2 } },
      ]);
      expect(results).toEqual([{ data: { type: 'boolean', value: true } }, { error: 4 }]);
      const longParameter = { type: 'octet-string' as const, value: new Uint8Array(60).fill(7) };
      await client.action(70, RELAY, 1, longParameter);
      expect(await client.get(70, RELAY, 2)).toEqual({ type: 'boolean', value: false });
    } finally {
      await client.close();
    }
  });
});
