import type { BitValues, QuantityValues } from '@gridbill/shared/modbus';
import { hashString } from '../meter/hash-noise.js';
import { instantQuantities } from '../meter/instantaneous.js';
import type { VirtualMeter } from '../meter/virtual-meter.js';

/**
 * Everything a register map can serve, for one meter at one simulated instant.
 * @example meterQuantities(meter, t).importWh // 1234567 (same value as GET /api/meters/:id)
 */
export function meterQuantities(meter: VirtualMeter, nowMs: number): QuantityValues {
  const regs = meter.registers(nowMs);
  const demand = meter.demandW(nowMs);
  const relay = meter.relayView(nowMs);
  const rates = regs.importRateWh;
  // No object spread here: spreading into a 27-key literal took ~100 µs per read in V8.
  const q = instantQuantities(meter.instantaneous(nowMs));
  q.importWh = regs.importWh;
  q.exportWh = regs.exportWh;
  q.importRate1Wh = rates[0];
  q.importRate2Wh = rates[1];
  q.importRate3Wh = rates[2];
  q.importRate4Wh = rates[3];
  q.totalWh = regs.importWh + regs.exportWh;
  q.demandW = demand.lastW;
  q.maxDemandW = demand.maxW;
  q.relayControlState = relay.controlState;
  q.relayControlMode = relay.controlMode;
  q.meterClockS = Math.floor(meter.meterClockMs(nowMs) / 1000);
  q.serialNumber = serialNumber(meter.serial);
  return q;
}

export function meterBits(meter: VirtualMeter, nowMs: number): BitValues {
  return { relayClosed: meter.relayView(nowMs).outputState };
}

/**
 * A serial as the uint32 a Modbus serial-number register holds: all-digit serials up to
 * 9 digits as themselves, others as their FNV-1a hash (changes when the meter is swapped).
 * @example serialNumber('12345678') // 12345678
 * @example serialNumber('m-1') // 0x273835da
 */
export function serialNumber(serial: string): number {
  return /^\d{1,9}$/.test(serial) ? Number(serial) : hashString(serial);
}
