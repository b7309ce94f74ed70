import { describe, expect, it } from 'vitest';
import { decodeRegisters, GRIDBILL_PREPAID, readRegisters } from '@gridbill/shared/modbus';
import { meterSpec } from '../meter/meter-spec.js';
import { VirtualMeter } from '../meter/virtual-meter.js';
import { meterQuantities, serialNumber } from './meter-quantities.js';

describe('meter quantities for register maps', () => {
  it('serves the serial number and changes it on a meter swap', () => {
    expect(serialNumber('12345678')).toBe(12345678);
    expect(serialNumber('m-1')).toBe(0x273835da);
    const meter = new VirtualMeter(
      meterSpec({ id: 'q', serial: '40001234', load: { constantW: 500 } }),
      0,
    );
    const read = (t: number) => {
      const r = readRegisters(GRIDBILL_PREPAID, 'input', 0, 28, meterQuantities(meter, t));
      if (!r.ok) throw new Error(r.reason);
      return decodeRegisters(GRIDBILL_PREPAID, 'input', 0, r.values);
    };
    expect(read(3_600_000)).toMatchObject({
      serialNumber: 40001234,
      importWh: 500,
      meterClockS: 3600,
    });
    meter.injectFault(3_600_000, { kind: 'meter-swap', params: { serial: '40009999' } });
    expect(read(7_200_000)).toMatchObject({ serialNumber: 40009999, importWh: 500 });
  });
});
