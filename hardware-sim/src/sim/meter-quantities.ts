import type { BitValues, QuantityValues } from '@gridbill/shared/modbus';
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
  const [r1, r2, r3, r4] = regs.importRateWh;
  return {
    ...instantQuantities(meter.instantaneous(nowMs)),
    importWh: regs.importWh,
    exportWh: regs.exportWh,
    importRate1Wh: r1,
    importRate2Wh: r2,
    importRate3Wh: r3,
    importRate4Wh: r4,
    totalWh: regs.importWh + regs.exportWh,
    demandW: demand.lastW,
    maxDemandW: demand.maxW,
    relayControlState: relay.controlState,
    relayControlMode: relay.controlMode,
    meterClockS: Math.floor(meter.meterClockMs(nowMs) / 1000),
  };
}

export function meterBits(meter: VirtualMeter, nowMs: number): BitValues {
  return { relayClosed: meter.relayView(nowMs).outputState };
}
