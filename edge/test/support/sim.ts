import type { Clock } from '@gridbill/shared/clock';
import pino from 'pino';

/**
 * Test support: starts the hardware simulator (hardware-sim) in-process. The module path is
 * computed so TypeScript keeps the edge project independent of hardware-sim; the interfaces
 * below are the part of its API these tests use.
 */
export interface SimMeterModel {
  relayView(nowMs: number): { outputState: boolean; state: string; controlMode: number };
  registers(nowMs: number): { importWh: number };
}

export interface RunningSim {
  sim: {
    get(id: string): { model: SimMeterModel };
    now(): number;
    injectFault(id: string, spec: { kind: string }, durationS?: number): unknown;
    clearFaults(id: string): number;
  };
  close(): Promise<void>;
}

export interface SimMeterSpec {
  id: string;
  /** Modbus TCP port, or `ptyLink` for an RS-485 bus made of a socat PTY pair. */
  port?: number;
  ptyLink?: string;
  unitId: number;
  kW: number;
  importWh?: number;
  /** Class 70 control mode 0..6 and state (default mode 1, connected). */
  relay?: { controlMode: number; state: 'connected' | 'disconnected' | 'ready_for_reconnection' };
}

/** Starts Modbus TCP meters (gridbill-prepaid map) on the simulator, driven by `clock`. */
export async function startSim(
  clock: Clock,
  meters: SimMeterSpec[],
  timeZone: string,
  options: { speed?: number; startTime?: string } = {},
): Promise<RunningSim> {
  const root = new URL('../../../hardware-sim/src/', import.meta.url);
  const { startFleet } = await import(new URL('runner/start-fleet.ts', root).href);
  const { fleetSchema } = await import(new URL('fleet/fleet-schema.ts', root).href);
  const fleet = fleetSchema.parse({
    seed: 1,
    startTime: options.startTime ?? new Date(clock.wallMs()).toISOString(),
    speed: options.speed ?? 1,
    timeZone,
    meters: meters.map((m) => ({
      id: m.id,
      serial: `SER-${m.id}`,
      protocol: 'modbus',
      ...(m.ptyLink
        ? { transport: 'rtu', ptyLink: m.ptyLink }
        : { transport: 'tcp', port: m.port }),
      unitId: m.unitId,
      map: 'gridbill-prepaid',
      load: { kW: m.kW },
      registers: { importWh: m.importWh ?? 0 },
      ...(m.relay ? { relay: m.relay } : {}),
    })),
  });
  return (await startFleet({
    fleet,
    baseClock: clock,
    logger: pino({ level: 'silent' }),
    controlPort: 0,
  })) as RunningSim;
}

export async function freePort(): Promise<number> {
  const root = new URL('../../../hardware-sim/src/', import.meta.url);
  const { freePort: fp } = await import(new URL('modbus/free-port.ts', root).href);
  return fp();
}
