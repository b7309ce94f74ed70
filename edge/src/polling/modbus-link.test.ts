import { decodeRegisters, REGISTER_MAPS } from '@gridbill/shared/modbus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModbusClient } from './modbus-client.js';
import { blockFor, ModbusLink } from './modbus-link.js';

/** A client that answers every register read with `words` (a unit-test fake, no socket). */
function fakeClient(words: number[], log: string[]): ModbusClient {
  let unit = 0;
  const read = (table: string) => async (address: number, count: number) => {
    log.push(`${table} unit ${unit} @${address} ×${count}`);
    return { data: words.slice(0, count) };
  };
  const no = () => Promise.reject(new Error('not used'));
  return {
    isOpen: true,
    setID: (id) => {
      unit = id;
    },
    setTimeout: () => undefined,
    readInputRegisters: read('input'),
    readHoldingRegisters: read('holding'),
    readCoils: no,
    readDiscreteInputs: no,
    writeCoil: no,
    close: (cb) => cb(),
  };
}

describe('ModbusLink.readEnergy', () => {
  for (const map of Object.values(REGISTER_MAPS)) {
    const energy = map.fields.find((f) => f.quantity === 'importWh');
    const clock = map.fields.find((f) => f.quantity === 'meterClockS');
    if (!energy) continue;
    const block = blockFor(energy, clock);
    it(`${map.id}: decodes like the shared decodeRegisters, in one read`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 0xffff }), {
            minLength: block.count,
            maxLength: block.count,
          }),
          async (words) => {
            const log: string[] = [];
            const link = new ModbusLink(fakeClient(words, log), 7, map, 'serial-1');
            const read = await link.readEnergy();
            const want = decodeRegisters(map, energy.table, block.start, words);
            expect(read.valueWh).toEqual(want.importWh);
            const clockMs = want.meterClockS === undefined ? undefined : want.meterClockS * 1000;
            expect(read.meterClockMs).toEqual(clockMs);
            expect(read.serial).toBe('serial-1');
            expect(log).toEqual([`${energy.table} unit 7 @${block.start} ×${block.count}`]);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('rejects a short answer naming the map and the counts', async () => {
    const map = REGISTER_MAPS['gridbill-prepaid'];
    if (!map) throw new Error('gridbill-prepaid map missing');
    const link = new ModbusLink(fakeClient([0, 1], []), 1, map, 's');
    await expect(link.readEnergy()).rejects.toThrow(
      'gridbill-prepaid: expected 26 registers, got 2',
    );
  });
});
