import { faultView } from '../meter/faults.js';
import type { SimMeter } from './simulator.js';

/**
 * The control API's JSON for one meter at `nowMs` (registers in integer Wh).
 * @example meterView(m, t).registers
 *   // { importWh: 1234, exportWh: 0, importRateWh: [1234, 0, 0, 0] }
 */
export function meterView({ config, model }: SimMeter, nowMs: number) {
  const inst = model.instantaneous(nowMs);
  const demand = model.demandW(nowMs);
  return {
    id: config.spec.id,
    serial: model.serial,
    protocol: config.protocol,
    transport: config.transport,
    map: config.map ?? null,
    address: {
      port: config.port ?? null,
      unitId: config.unitId ?? null,
      serverAddress: config.protocol === 'dlms' ? config.serverAddress : null,
      device: config.ptyLink ?? config.device ?? null,
    },
    simTimeMs: nowMs,
    meterClockMs: model.meterClockMs(nowMs),
    registers: model.registers(nowMs),
    powerW: inst.powerW,
    demandW: demand.lastW,
    maxDemandW: demand.maxW,
    instantaneous: {
      voltageV: inst.phases.map((p) => p.voltageV),
      currentA: inst.phases.map((p) => p.currentA),
      powerFactor: inst.powerFactor,
      frequencyHz: inst.frequencyHz,
      apparentPowerVa: inst.apparentPowerVa,
      reactivePowerVar: inst.reactivePowerVar,
    },
    relay: model.relayView(nowMs),
    load: model.loadSetting(),
    faults: model.activeFaults(nowMs).map(faultView),
  };
}

export type MeterView = ReturnType<typeof meterView>;
