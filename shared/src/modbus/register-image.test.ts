import { describe, expect, it } from 'vitest';
import { GRIDBILL_PREPAID, REGISTER_MAPS, registerMapById, SDM120, SDM630 } from './maps/index.js';
import { decodeRegisters, readBits, readRegisters, writableRegister } from './register-image.js';
import { wordCount } from './value-codec.js';

describe('register maps as data', () => {
  it.each(Object.values(REGISTER_MAPS).map((m) => [m.id, m] as const))(
    '%s has no overlaps',
    (_id, map) => {
      const used = new Set<string>();
      for (const f of map.fields) {
        for (let i = 0; i < wordCount(f.type); i++) {
          const key = `${f.table}:${f.address + i}`;
          expect(used.has(key), `${map.id} ${f.name} overlaps at ${key}`).toBe(false);
          used.add(key);
        }
      }
    },
  );

  it('puts Eastron values where the manual does (30073 import kWh = address 0x48)', () => {
    const field = SDM120.fields.find((f) => f.quantity === 'importWh');
    expect(field).toMatchObject({ address: 72, type: 'float32', unit: 'kWh', table: 'input' });
    expect(SDM630.fields.find((f) => f.quantity === 'powerW')?.address).toBe(52);
  });

  it('names the known maps when an id is unknown', () => {
    expect(() => registerMapById('sdm999')).toThrow(/unknown register map "sdm999".*sdm120/);
  });
});

describe('readRegisters / decodeRegisters', () => {
  it('encodes SDM120 voltage and energy as float32 high word first', () => {
    const r = readRegisters(SDM120, 'input', 0x48, 2, { importWh: 1234567 });
    expect(r).toEqual({ ok: true, values: [0x449a, 0x5225] });
    expect(readRegisters(SDM120, 'input', 0, 2, { l1VoltageV: 230 })).toEqual({
      ok: true,
      values: [0x4366, 0],
    });
  });

  it('round-trips a prepaid block with integer energy exactly', () => {
    const values = { importWh: 987654321, exportWh: 12, powerW: -1500, l1VoltageV: 231.4 };
    const r = readRegisters(GRIDBILL_PREPAID, 'input', 0, 16, values);
    if (!r.ok) throw new Error(r.reason);
    const back = decodeRegisters(GRIDBILL_PREPAID, 'input', 0, r.values);
    expect(back).toMatchObject({ importWh: 987654321, exportWh: 12, powerW: -1500 });
    expect(back.l1VoltageV).toBeCloseTo(231.4, 5);
  });

  it('refuses unmapped addresses with exception 2 and out-of-range values with 4', () => {
    expect(readRegisters(SDM120, 'input', 2, 2, {})).toMatchObject({ ok: false, exceptionCode: 2 });
    const big = readRegisters(GRIDBILL_PREPAID, 'input', 0, 2, { importWh: 2 ** 33 });
    expect(big).toMatchObject({ ok: false, exceptionCode: 4 });
  });

  it('reads bits and finds only writable holding registers', () => {
    expect(readBits(GRIDBILL_PREPAID, 'coil', 0, 1, { relayClosed: true })).toEqual({
      ok: true,
      values: [true],
    });
    expect(readBits(GRIDBILL_PREPAID, 'coil', 1, 1, {})).toMatchObject({ exceptionCode: 2 });
    expect(writableRegister(GRIDBILL_PREPAID, 0)).toMatchObject({ ok: true });
    expect(writableRegister(SDM120, 0)).toMatchObject({ ok: false, exceptionCode: 2 });
  });
});
